<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/message.xsl - a refusal or notice of the maintenance plugin.
  View document: <maintenance-message status=><message/></maintenance-message>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:template match="maintenance-message" mode="title">Maintenance</xsl:template>
  <xsl:template match="maintenance-message" mode="content">
    <h1>Maintenance</h1>
    <p class="message"><xsl:value-of select="message"/></p>
  </xsl:template>
</xsl:stylesheet>
