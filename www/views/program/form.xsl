<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/form.xsl - a page holding one form (new patient, enrolment).

  View document (plugins/program/enrol.c):
    <form-page title= intro=?>
      <patient .../>?
      <form ...>  (see ../form-lib.xsl)
    </form-page>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="program-lib.xsl"/>

  <xsl:template match="form-page" mode="title">
    <xsl:if test="form/error">Not saved: </xsl:if>
    <xsl:value-of select="@title"/>
  </xsl:template>

  <xsl:template match="form-page" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="/patients">Patients</a>
          <xsl:if test="patient">
            <xsl:text> / </xsl:text>
            <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          </xsl:if>
          <xsl:text> /</xsl:text>
        </p>
        <h1><xsl:value-of select="@title"/></h1>
        <xsl:if test="@intro"><p class="muted"><xsl:value-of select="@intro"/></p></xsl:if>
      </div>
    </div>
    <div class="narrow">
      <xsl:apply-templates select="form" mode="form"/>
    </div>
  </xsl:template>
</xsl:stylesheet>
