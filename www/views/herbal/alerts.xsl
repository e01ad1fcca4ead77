<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/alerts.xsl - herbal alerts for the dashboard (GET /herbal/alerts).
  View document (plugins/herbal/rx_pages.c):
    <herbal-alerts>
      <unsafe prescription= patient= name=><finding>rule severity line herb source message</finding>*</unsafe>*
      <serious record= patient= name= prescription= date= action= open="yes|no"/>*
    </herbal-alerts>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="herbal-alerts" mode="title">Herbal alerts</xsl:template>

  <xsl:template match="herbal-alerts" mode="content">
    <h1>Herbal alerts</h1>
    <section class="panel">
      <h2>Prescriptions unsafe since they were saved</h2>
      <xsl:choose>
        <xsl:when test="unsafe">
          <ul>
            <xsl:for-each select="unsafe">
              <li><a href="/patients/{@patient}/herbal/prescriptions/{@prescription}"><xsl:value-of select="@name"/><xsl:if test="@name = ''">Patient <xsl:value-of select="@patient"/></xsl:if></a>:
                <xsl:for-each select="finding[severity = 'block' or severity = 'refused']"><xsl:if test="position() &gt; 1">; </xsl:if><xsl:value-of select="message"/></xsl:for-each></li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p>None.</p></xsl:otherwise>
      </xsl:choose>
    </section>
    <section class="panel">
      <h2>Serious adverse effects</h2>
      <xsl:choose>
        <xsl:when test="serious">
          <ul>
            <xsl:for-each select="serious">
              <li><a href="/patients/{@patient}/herbal/prescriptions/{@prescription}"><xsl:value-of select="@name"/><xsl:if test="@name = ''">Patient <xsl:value-of select="@patient"/></xsl:if></a>,
                <xsl:value-of select="@date"/>: <xsl:choose>
                  <xsl:when test="@open = 'yes'"><strong>asks for a stop or a change of the herbs</strong> (recorded: <xsl:value-of select="@action"/>)</xsl:when>
                  <xsl:otherwise>herbs <xsl:value-of select="@action"/>; stopped or changed since</xsl:otherwise>
                </xsl:choose></li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p>None.</p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
