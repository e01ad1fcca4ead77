<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/monitoring.xsl - recording adherence or an adverse effect of a
  prescription (GET/POST .../prescriptions/ID/adherence and .../adverse).
  View document (plugins/herbal/monitoring.c):
    <herbal-monitoring kind="adherence|adverse" patient= prescription=>
      <form ...> (form-lib.xsl) </form>
    </herbal-monitoring>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="herbal-monitoring" mode="title">
    <xsl:choose><xsl:when test="@kind = 'adherence'">Herbal adherence</xsl:when><xsl:otherwise>Adverse effect</xsl:otherwise></xsl:choose>
  </xsl:template>

  <xsl:template match="herbal-monitoring" mode="content">
    <h1><xsl:apply-templates select="." mode="title"/></h1>
    <p class="muted"><a href="/patients/{@patient}/herbal/prescriptions/{@prescription}">Back to the prescription</a></p>
    <xsl:if test="@kind = 'adverse'">
      <p>A serious adverse effect asks for the herbs to be stopped or changed, and shows on the herbal alerts.</p>
    </xsl:if>
    <xsl:apply-templates select="form" mode="form"/>
  </xsl:template>
</xsl:stylesheet>
