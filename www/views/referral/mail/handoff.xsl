<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/mail/handoff.xsl - the email that carries a partner's link to
  a referral.  No clinical content: not the patient's name, not the
  reason; the partner's name and the link only.

  Model (plugins/referral/send.c):
    <referral-link><partner-name/><link/><expires/></referral-link>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../../mail/layout.xsl"/>

  <xsl:template match="referral-link" mode="subject">A referral from <xsl:value-of select="$clinic"/></xsl:template>

  <xsl:template match="referral-link" mode="text">
    <xsl:text>Dear </xsl:text><xsl:value-of select="partner-name"/><xsl:text>,&#10;&#10;</xsl:text>
    <xsl:text>We have sent you a referral. Open it with this link, which is for you alone:&#10;&#10;</xsl:text>
    <xsl:value-of select="link"/>
    <xsl:text>&#10;&#10;The link works until </xsl:text><xsl:value-of select="expires"/>
    <xsl:text>. On the page you can acknowledge the referral, accept or decline it, and send us a note.&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="referral-link" mode="html">
    <p>Dear <xsl:value-of select="partner-name"/>,</p>
    <p>We have sent you a referral. Open it with this link, which is for you alone:</p>
    <xsl:call-template name="mail-link">
      <xsl:with-param name="href" select="link"/>
    </xsl:call-template>
    <p>The link works until <xsl:value-of select="expires"/>. On the page you can
      acknowledge the referral, accept or decline it, and send us a note.</p>
  </xsl:template>
</xsl:stylesheet>
