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
      <xsl:apply-templates select="form" mode="session"/>
    </section>
  </xsl:template>

  <!-- The form model's form, laid out by hand: the session's own fields,
       then one line per row of exercise and dose (ex1, sets1, reps1,
       hold1, load1, ...). -->
  <xsl:template match="form" mode="session">
    <xsl:variable name="f" select="."/>
    <form method="post" action="{@action}" class="kit-form" id="form-{@id}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <xsl:call-template name="form-error-summary">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="title" select="'Not saved'"/>
      </xsl:call-template>
      <xsl:apply-templates select="field[not(starts-with(@name, 'ex') or starts-with(@name, 'sets')
                                   or starts-with(@name, 'reps') or starts-with(@name, 'hold')
                                   or starts-with(@name, 'load'))]" mode="form-field">
        <xsl:with-param name="form" select="$f"/>
      </xsl:apply-templates>
      <xsl:for-each select="field[starts-with(@name, 'ex')]">
        <xsl:variable name="i" select="substring-after(@name, 'ex')"/>
        <fieldset class="ex-row">
          <legend>Exercise <xsl:value-of select="$i"/></legend>
          <xsl:apply-templates select="$f/field[@name = concat('ex', $i) or @name = concat('sets', $i)
                                       or @name = concat('reps', $i) or @name = concat('hold', $i)
                                       or @name = concat('load', $i)]" mode="form-field">
            <xsl:with-param name="form" select="$f"/>
          </xsl:apply-templates>
        </fieldset>
      </xsl:for-each>
      <p class="actions"><button type="submit"><xsl:value-of select="@submit"/></button></p>
    </form>
  </xsl:template>
</xsl:stylesheet>
