<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/mail/renewal.xsl - a membership's renewal notice, sent N days
  before the renewal by the job maintenance:renewal-notices.
  Model: <renewal-mail><first-name/>? <plan/> <renewal/> <fee/> <currency/></renewal-mail>
  Nothing clinical: the plan's name and fee are what the patient pays for.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../../mail/layout.xsl"/>

  <xsl:template match="renewal-mail" mode="subject">Your membership renews soon: <xsl:value-of select="$clinic"/></xsl:template>

  <xsl:template match="renewal-mail" mode="text">
    <xsl:text>Hello</xsl:text>
    <xsl:if test="normalize-space(first-name)"><xsl:text> </xsl:text><xsl:value-of select="normalize-space(first-name)"/></xsl:if>
    <xsl:text>,&#10;&#10;Your </xsl:text><xsl:value-of select="plan"/>
    <xsl:text> renews on </xsl:text><xsl:value-of select="renewal"/>
    <xsl:text>, at </xsl:text><xsl:value-of select="currency"/><xsl:text> </xsl:text><xsl:value-of select="fee"/>
    <xsl:text> a month.&#10;&#10;Nothing needs doing to carry on. You can cancel at any time: the month you have paid for runs out, and no later one is billed.&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="renewal-mail" mode="html">
    <p>Hello<xsl:if test="normalize-space(first-name)"><xsl:text> </xsl:text><xsl:value-of select="normalize-space(first-name)"/></xsl:if>,</p>
    <p>Your <xsl:value-of select="plan"/> renews on <xsl:value-of select="renewal"/>,
      at <xsl:value-of select="currency"/><xsl:text> </xsl:text><xsl:value-of select="fee"/> a month.</p>
    <p>Nothing needs doing to carry on. You can cancel at any time: the month you have paid for runs out, and no later one is billed.</p>
  </xsl:template>
</xsl:stylesheet>
