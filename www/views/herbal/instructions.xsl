<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/instructions.xsl - printable instructions for the patient (GET
  .../prescriptions/ID/instructions): how to prepare and take the herbs,
  in plain words, with the clinic's name and no internal codes.
  View document: as herbal/prescription.xsl; how to take it (take-lib.xsl)
  follows the root's doses-per-day.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:h="urn:cairn:herbal" exclude-result-prefixes="h">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="take-lib.xsl"/>

  <xsl:template match="herbal-prescription" mode="title">Your herbal medicine</xsl:template>

  <xsl:template match="herbal-prescription" mode="content">
    <xsl:variable name="rx" select="record/h:Prescription"/>
    <article class="handout">
      <h1>Your herbal medicine</h1>
      <p><xsl:value-of select="$clinic"/></p>
      <xsl:if test="patient/@name != ''"><p>For: <strong><xsl:value-of select="patient/@name"/></strong></p></xsl:if>
      <p>Start on <strong><xsl:value-of select="$rx/h:startDate"/></strong> and take it for
        <strong><xsl:value-of select="$rx/h:days"/> days</strong>.</p>
      <h2>How to prepare and take it</h2>
      <xsl:call-template name="how-to-take">
        <xsl:with-param name="form" select="$rx/h:form"/>
        <xsl:with-param name="n" select="@doses-per-day"/>
      </xsl:call-template>
      <xsl:if test="$rx/h:instructions != ''">
        <h2>From your practitioner</h2>
        <p class="pre"><xsl:value-of select="$rx/h:instructions"/></p>
      </xsl:if>
      <h2>Your herbs</h2>
      <ul>
        <xsl:for-each select="line"><li><xsl:value-of select="@pinyin"/><xsl:if test="@chinese"> (<xsl:value-of select="@chinese"/>)</xsl:if></li></xsl:for-each>
      </ul>
      <h2>Please tell us</h2>
      <ul>
        <li>if you feel unwell, get a rash, stomach upset or anything unusual: stop the herbs and call us;</li>
        <li>before you start any new medicine, or if you become or may be pregnant;</li>
        <li>if you take blood thinners: tell every doctor you see that you take herbs.</li>
      </ul>
      <p>Keep the herbs dry, cool and out of the reach of children.</p>
    </article>
  </xsl:template>
</xsl:stylesheet>
