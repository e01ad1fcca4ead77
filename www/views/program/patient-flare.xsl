<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-flare.xsl - "I'm having a flare" (plugins/program/patient.c).

    <patient-flare episode= base= today=><form id="flare" .../></patient-flare>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="patient-lib.xsl"/>

  <xsl:template match="patient-flare" mode="title">I'm having a flare</xsl:template>

  <xsl:template match="patient-flare" mode="content">
    <div class="pt">
      <xsl:call-template name="patient-nav"><xsl:with-param name="current" select="'flare'"/></xsl:call-template>
      <h1>I'm having a flare</h1>
      <p>Flares are expected and do not undo your progress. Tell your clinic, and they will be in touch.</p>
      <p class="pt-warn">If you have new numbness, weakness, or trouble with your bladder or bowels, do not wait: call your clinic or emergency services now.</p>
      <xsl:apply-templates select="form" mode="form"/>
    </div>
  </xsl:template>
</xsl:stylesheet>
