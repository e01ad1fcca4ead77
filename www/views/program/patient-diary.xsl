<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-diary.xsl - the patient's short check (plugins/program/diary.c).

    <patient-diary episode= base= today= instrument= about=? done-today="yes"?>
      <form id="diary" .../>?     absent once today's check is done
    </patient-diary>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="patient-lib.xsl"/>

  <xsl:template match="patient-diary" mode="title">Today's check</xsl:template>

  <xsl:template match="patient-diary" mode="content">
    <div class="pt">
      <xsl:call-template name="patient-nav"><xsl:with-param name="current" select="'diary'"/></xsl:call-template>
      <h1>Today's check</h1>
      <xsl:choose>
        <xsl:when test="@done-today = 'yes'">
          <p class="pt-ok" role="status">You have already done today's check. You can do the next one tomorrow.</p>
          <p><a class="button pt-big" href="{@base}">Back to your page</a></p>
        </xsl:when>
        <xsl:otherwise>
          <p>A few quick questions about how you have been. One check a day at most.</p>
          <xsl:apply-templates select="form" mode="form"/>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>
</xsl:stylesheet>
