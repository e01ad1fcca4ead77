<?xml version="1.0" encoding="UTF-8"?>
<!--
  mail/test.xsl - the message `cairn outbox test ADDRESS` queues, to check
  the relay settings end to end.

  Model (core/mail/cli_outbox.c):
    <test><link>the sign-in page on the public URL</link>?<actor/></test>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>

  <xsl:template match="test" mode="subject">Test message from <xsl:value-of select="$clinic"/></xsl:template>

  <xsl:template match="test" mode="text">
    <xsl:text>This is a test message from the clinic's server. If you can read it, email works.&#10;</xsl:text>
    <xsl:if test="link">
      <xsl:text>&#10;Staff sign in at:&#10;</xsl:text>
      <xsl:value-of select="link"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="test" mode="html">
    <p>This is a test message from the clinic's server. If you can read it, email works.</p>
    <xsl:if test="link">
      <p>Staff sign in at:</p>
      <xsl:call-template name="mail-link">
        <xsl:with-param name="href" select="link"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
