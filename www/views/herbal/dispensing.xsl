<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/dispensing.xsl - the dispensing sheet (GET
  .../prescriptions/ID/dispensing): herbs, grams a day, grams a dose
  (grams a day / doses a day), days, total grams.
  View document: as herbal/prescription.xsl (line/@per-dose, the root's
  doses-per-day).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:h="urn:cairn:herbal" exclude-result-prefixes="h">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="take-lib.xsl"/>

  <xsl:template match="herbal-prescription" mode="title">Dispensing sheet</xsl:template>

  <xsl:template match="herbal-prescription" mode="content">
    <xsl:variable name="rx" select="record/h:Prescription"/>
    <h1>Dispensing sheet</h1>
    <p><xsl:value-of select="$clinic"/> · prescription <xsl:value-of select="record/@id"/>, version <xsl:value-of select="record/@version"/>
      <xsl:if test="patient/@name != ''"> · <xsl:value-of select="patient/@name"/></xsl:if></p>
    <p>Form: <xsl:value-of select="$rx/h:form"/><xsl:if test="$rx/h:ratio"> (<xsl:value-of select="$rx/h:ratio"/>:1)</xsl:if>
      · <xsl:call-template name="times-a-day"><xsl:with-param name="n" select="@doses-per-day"/></xsl:call-template>
      · <xsl:value-of select="$rx/h:days"/> days from <xsl:value-of select="$rx/h:startDate"/> · prescriber <xsl:value-of select="$rx/h:prescriber"/></p>
    <table>
      <thead><tr><th scope="col">Herb</th><th scope="col">Latin</th><th scope="col">g a day</th><th scope="col">g a dose</th><th scope="col">Days</th><th scope="col">Total g</th></tr></thead>
      <tbody>
        <xsl:for-each select="line">
          <tr><td><xsl:value-of select="@pinyin"/> <xsl:value-of select="@chinese"/></td><td><xsl:value-of select="@latin"/></td>
            <td><xsl:value-of select="@grams"/></td><td><xsl:value-of select="@per-dose"/></td><td><xsl:value-of select="$rx/h:days"/></td><td><xsl:value-of select="@total"/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
    <p>Total for the whole prescription: <strong><xsl:value-of select="sum(line/@total)"/> g</strong></p>
  </xsl:template>
</xsl:stylesheet>
