<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/session-form.xsl - the exercise session form
  (plugins/exercise/session.c), rendered by the shared form library.

    <exercise-session-form rows=>
      <patient .../> <episode .../> <stage label= max-pain=/>
      <form id="session" action= submit=>...</form>
    </exercise-session-form>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-session-form" mode="title">Exercise session: <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="exercise-session-form" mode="content">
    <xsl:call-template name="exercise-css"/>
    <p class="muted small">
      <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
      <xsl:text> / </xsl:text>
      <a href="{episode/@exercise-href}">Exercise progression</a>
      <xsl:text> /</xsl:text>
    </p>
    <h1>Record an exercise session</h1>
    <p class="lead">Stage: <xsl:value-of select="stage/@label"/>. Pain during exercise up to
      <xsl:value-of select="stage/@max-pain"/>/10 is inside the pain-monitoring model when it has
      settled by the next morning. The rows are filled with each exercise's next level.</p>
    <section class="panel ex-session-form">
      <xsl:apply-templates select="form" mode="form"/>
    </section>
  </xsl:template>
</xsl:stylesheet>
