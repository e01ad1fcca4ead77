<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-home.xsl - the patient's home (plugins/program/patient.c).

    <patient-home episode= base= today= diary="daily|weekly" last-diary=?
                  diary-done="yes"? sent="flare|diary"?>
      <where .../> <measure ...><point .../>*</measure>?
      <visit date=/>* <cards><card name= title= href=/>*</cards>
    </patient-home>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="patient-lib.xsl"/>

  <xsl:template match="patient-home" mode="title">Your care program</xsl:template>

  <xsl:template match="patient-home" mode="content">
    <div class="pt">
      <xsl:call-template name="patient-nav"><xsl:with-param name="current" select="'home'"/></xsl:call-template>
      <h1>Your care program</h1>
      <xsl:if test="@sent = 'diary'"><p class="pt-ok" role="status">Thank you: today's check is saved.</p></xsl:if>
      <xsl:if test="@sent = 'flare'"><p class="pt-ok" role="status">Thank you: your clinic has been told about the flare and will be in touch.</p></xsl:if>
      <xsl:apply-templates select="where" mode="patient-where"/>

      <h2>Your diary</h2>
      <xsl:choose>
        <xsl:when test="@diary-done = 'yes'"><p>You have done today's check. Thank you.</p></xsl:when>
        <xsl:otherwise>
          <p>
            <xsl:choose>
              <xsl:when test="@diary = 'daily'">Your clinician asks for a short check every day.</xsl:when>
              <xsl:otherwise>Your clinician asks for a short check once a week.</xsl:otherwise>
            </xsl:choose>
            <xsl:if test="@last-diary"> Your last one was on <xsl:value-of select="@last-diary"/>.</xsl:if>
          </p>
          <p><a class="button pt-big" href="{@base}/diary">Do today's check</a></p>
        </xsl:otherwise>
      </xsl:choose>
      <p><a class="button secondary pt-big" href="{@base}/flare">I'm having a flare</a></p>

      <xsl:for-each select="measure">
        <xsl:if test="position() = 1"><h2>How you are doing</h2></xsl:if>
        <xsl:apply-templates select="." mode="patient-chart"/>
      </xsl:for-each>

      <h2>Your next visits</h2>
      <xsl:choose>
        <xsl:when test="visit">
          <ul class="pt-list"><xsl:for-each select="visit"><li><xsl:value-of select="@date"/></li></xsl:for-each></ul>
        </xsl:when>
        <!-- After the program nothing is "arranged" unless the patient
             asks: a graduate read that visits were coming. -->
        <xsl:when test="where/@phase = 'graduated'"><p>None booked. You have finished the program; if you want a visit, contact your clinic.</p></xsl:when>
        <xsl:when test="where/@phase = 'exited'"><p>None booked. Your care program has ended; contact your clinic if you want to talk it over.</p></xsl:when>
        <xsl:otherwise><p>No visits are booked yet. Your clinic will arrange them with you.</p></xsl:otherwise>
      </xsl:choose>

      <h2>This week</h2>
      <xsl:choose>
        <xsl:when test="where/@per-week-min">
          <p>
            <xsl:text>The plan for this phase is </xsl:text>
            <xsl:value-of select="where/@per-week-min"/>
            <xsl:if test="where/@per-week-max != where/@per-week-min"> to <xsl:value-of select="where/@per-week-max"/></xsl:if>
            <xsl:text> visits a week, and your diary check.</xsl:text>
          </p>
        </xsl:when>
        <xsl:when test="where/@phase = 'graduated'"><p>Keep up your home routine and your diary check. Your summary says what comes next.</p></xsl:when>
        <xsl:otherwise><p>Keep up your diary check; your clinic will tell you what comes next.</p></xsl:otherwise>
      </xsl:choose>

      <xsl:for-each select="cards/card">
        <p><a class="button secondary pt-big" href="{@href}"><xsl:value-of select="@title"/></a></p>
      </xsl:for-each>

      <xsl:call-template name="patient-signout"/>
    </div>
  </xsl:template>
</xsl:stylesheet>
