<?xml version="1.0" encoding="UTF-8"?>
<!--
  mail/link.xsl - a personal link, sent by email: the one message every
  plugin that hands out a capability link can send without a view of its
  own (message_queue(req, address, name, "mail/link", model, &err)).

  Model (built by the plugin):
    <link-mail>
      <first-name>Ann</first-name>?    the greeting; nothing else about a patient
      <purpose>fill in your questionnaire before your first visit</purpose>
                                       what the link is for, completing
                                       "Here is your personal link to ..."
      <link>https://clinic.example/c/...</link>   public_url() of the link
      <expires>2026-12-10</expires>?   shown as "It works until ..."
      <renewed-days>90</renewed-days>?  a link renewed by use: "...; each
                                       time you use it, N more days"
    </link-mail>

  The subject names the clinic only: never the patient, never clinical
  content (the purpose is in the body, and says what to do, not why).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="layout.xsl"/>

  <xsl:template match="link-mail" mode="subject">Your personal link from <xsl:value-of select="$clinic"/></xsl:template>

  <xsl:template match="link-mail" mode="text">
    <xsl:text>Hello</xsl:text>
    <xsl:if test="normalize-space(first-name)"><xsl:text> </xsl:text><xsl:value-of select="normalize-space(first-name)"/></xsl:if>
    <xsl:text>,&#10;&#10;Here is your personal link to </xsl:text>
    <xsl:value-of select="normalize-space(purpose)"/>
    <xsl:text>:&#10;&#10;</xsl:text>
    <xsl:value-of select="link"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:if test="expires">
      <xsl:text>It works until </xsl:text><xsl:value-of select="expires"/>
      <xsl:if test="renewed-days"><xsl:text>, and each time you use it, for </xsl:text><xsl:value-of select="renewed-days"/><xsl:text> days more</xsl:text></xsl:if>
      <xsl:text>. </xsl:text>
    </xsl:if>
    <xsl:text>It is for you only: please do not forward this message. If you did not expect it, you can ignore it.&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="link-mail" mode="html">
    <p>
      <xsl:text>Hello</xsl:text>
      <xsl:if test="normalize-space(first-name)"><xsl:text> </xsl:text><xsl:value-of select="normalize-space(first-name)"/></xsl:if>
      <xsl:text>,</xsl:text>
    </p>
    <p>Here is your personal link to <xsl:value-of select="normalize-space(purpose)"/>:</p>
    <xsl:call-template name="mail-link">
      <xsl:with-param name="href" select="link"/>
    </xsl:call-template>
    <p>
      <xsl:if test="expires">It works until <xsl:value-of select="expires"/><xsl:if test="renewed-days">, and each time you use it, for <xsl:value-of select="renewed-days"/> days more</xsl:if>. </xsl:if>
      <xsl:text>It is for you only: please do not forward this message. If you did not expect it, you can ignore it.</xsl:text>
    </p>
  </xsl:template>
</xsl:stylesheet>
