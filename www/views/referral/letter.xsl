<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/letter.xsl - the referral letter (GET
  /patients/P/referrals/N/letter): the handoff page's content,
  print-styled, for partners who want paper.

  View document (plugins/referral/tracking.c):
    <letter id= today=> the shared content of lib.xsl </letter>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="letter" mode="title">Referral letter</xsl:template>

  <xsl:template match="letter" mode="content">
    <p class="no-print"><a href="../{@id}">Back to the referral</a>
      · Print this page for the partner.</p>
    <h1>Referral letter</h1>
    <p><xsl:value-of select="@today"/></p>
    <p>Dear <xsl:value-of select="partner/@name"/>,</p>
    <p>We would like to refer the patient below to you. Here is where they are,
      what they need next, and why we trust you to take them there.</p>
    <xsl:call-template name="shared"/>
    <p>With thanks,</p>
    <p><xsl:value-of select="request/@requester"/>, <xsl:value-of select="$clinic"/></p>
    <xsl:call-template name="clinic-contact">
      <xsl:with-param name="clinic-name" select="$clinic"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
