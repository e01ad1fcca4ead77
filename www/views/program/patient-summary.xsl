<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-summary.xsl - the patient's own summary, their
  graduation summary once they graduate (plugins/program/patient.c):
  printable, one column on a phone, no staff notes, no codes.

    <patient-summary episode= base= today= graduated="yes|no" graduated-on=?>
      <where .../> <measure .../>? <goal activity= goal=? start=? now=?/>*
                                  an activity they named, their goal for it
                                  and their clinic ratings (0-10), first
                                  and latest
      <cards><card .../>*</cards>
    </patient-summary>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="patient-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <xsl:template match="patient-summary" mode="title">
    <xsl:choose>
      <xsl:when test="@graduated = 'yes'">Your graduation summary</xsl:when>
      <xsl:otherwise>Your summary so far</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="patient-summary" mode="content">
    <div class="pt">
      <xsl:call-template name="patient-nav"><xsl:with-param name="current" select="'summary'"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="@graduated = 'yes'">
          <h1>Your graduation summary</h1>
          <p class="lead">You graduated from the care program on <xsl:value-of select="@graduated-on"/>. Well done.</p>
        </xsl:when>
        <xsl:otherwise>
          <h1>Your summary so far</h1>
          <xsl:apply-templates select="where" mode="patient-where"/>
        </xsl:otherwise>
      </xsl:choose>

      <xsl:for-each select="measure">
        <xsl:if test="position() = 1"><h2>What you achieved</h2></xsl:if>
        <xsl:if test="@baseline and point">
          <p>
            <xsl:text>You started at </xsl:text><xsl:value-of select="@baseline"/>
            <xsl:text> on the </xsl:text><xsl:value-of select="@abbreviation"/>
            <xsl:text>; your latest score is </xsl:text>
            <xsl:for-each select="point"><xsl:sort select="@date" order="descending"/><xsl:if test="position() = 1"><xsl:value-of select="@score"/></xsl:if></xsl:for-each>
            <xsl:text>. The 50% line is </xsl:text><xsl:value-of select="@half"/><xsl:text>.</xsl:text>
          </p>
        </xsl:if>
        <xsl:apply-templates select="." mode="patient-chart"/>
      </xsl:for-each>

      <xsl:if test="goal">
        <h2>Your goals</h2>
        <p class="muted small">The activities you chose, rated at the clinic from 0 (unable to do it) to 10 (as well as before the problem).</p>
        <ul class="pt-list">
          <xsl:for-each select="goal">
            <li>
              <strong><xsl:value-of select="@activity"/></strong>
              <xsl:if test="@start or @now">
                <br/>
                <xsl:text>How well you can do it, out of 10: </xsl:text>
                <xsl:if test="@start"><xsl:value-of select="@start"/><xsl:text> at the start, </xsl:text></xsl:if>
                <xsl:if test="@now"><xsl:value-of select="@now"/><xsl:text> now</xsl:text></xsl:if>
                <xsl:text>.</xsl:text>
              </xsl:if>
              <xsl:if test="@goal">
                <br/>
                <xsl:text>Your goal: </xsl:text><xsl:value-of select="@goal"/>
                <xsl:if test="@now and number(@now) &gt;= number(@goal)"><xsl:text>, reached</xsl:text></xsl:if>
                <xsl:text>.</xsl:text>
              </xsl:if>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>

      <!-- The cards are the other plugins' pages (herbs, the routine):
           headed by what they share, not by one of them. -->
      <xsl:choose>
        <xsl:when test="cards/card">
          <h2>Between visits</h2>
          <ul class="pt-list"><xsl:for-each select="cards/card"><li><a href="{@href}"><xsl:value-of select="@title"/></a></li></xsl:for-each></ul>
        </xsl:when>
        <xsl:otherwise><h2>Your home routine</h2><p>Keep up the routine your clinician showed you.</p></xsl:otherwise>
      </xsl:choose>

      <xsl:apply-templates select="sections" mode="sections"/>

      <!-- Without a maintenance plan's "what comes next", the general word. -->
      <xsl:if test="not(sections/section[@plugin = 'maintenance' and not(@empty = '1')])">
        <h2>What comes next</h2>
        <p>If pain comes back or a flare does not settle within a few days, contact your clinic: a maintenance visit is there when you need it.</p>
      </xsl:if>
      <p class="no-print muted small">To print or keep this page, use your browser's print or share menu.</p>
    </div>
  </xsl:template>
</xsl:stylesheet>
