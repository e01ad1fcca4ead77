<?xml version="1.0" encoding="UTF-8"?>
<!--
  mail/layout.xsl - the frame of every email the clinic sends.

  A mail view imports this file (core: <xsl:import href="layout.xsl"/>;
  a plugin's www/views/NAME/mail/X.xsl: href="../../mail/layout.xsl") and
  supplies three templates for its model's root element:
    mode="subject"  one line; never anything about a patient
    mode="text"     the plain-text body (line breaks as written)
    mode="html"     the HTML body: what goes inside the message's frame
  This file puts them into the result the outbox reads (core/mail/render.c):
    <mail><subject/><text/><html><html>..</html></html></mail>
  in the clinic's name: its name heads the HTML and signs both bodies.
  A link goes in full (the core gives plugins public_url for that), and a
  message carries no clinical content beyond a patient's first name.

  Parameters (set by the core): clinic, public-url.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="clinic" select="'Cairn'"/>
  <xsl:param name="public-url" select="''"/>

  <xsl:template match="/">
    <mail>
      <subject><xsl:apply-templates select="*" mode="subject"/></subject>
      <text>
        <xsl:apply-templates select="*" mode="text"/>
        <xsl:text>&#10;-- &#10;</xsl:text>
        <xsl:value-of select="$clinic"/>
        <xsl:if test="$public-url != ''">
          <xsl:text>&#10;</xsl:text><xsl:value-of select="$public-url"/>
        </xsl:if>
        <xsl:text>&#10;</xsl:text>
      </text>
      <html>
        <html lang="en">
          <head>
            <meta charset="utf-8"/>
            <title><xsl:apply-templates select="*" mode="subject"/></title>
          </head>
          <body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 36em;">
            <p style="font-weight: bold; font-size: 1.1em;"><xsl:value-of select="$clinic"/></p>
            <xsl:apply-templates select="*" mode="html"/>
            <p style="color: #555; font-size: 0.9em; border-top: 1px solid #ccc; padding-top: 0.5em;">
              <xsl:value-of select="$clinic"/>
              <xsl:if test="$public-url != ''">
                <br/><a href="{$public-url}"><xsl:value-of select="$public-url"/></a>
              </xsl:if>
            </p>
          </body>
        </html>
      </html>
    </mail>
  </xsl:template>

  <!-- A link shown in full, for the html mode: <a href="URL">URL</a>. -->
  <xsl:template name="mail-link">
    <xsl:param name="href"/>
    <p><a href="{$href}"><xsl:value-of select="$href"/></a></p>
  </xsl:template>
</xsl:stylesheet>
