<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/instructions.xsl - printable instructions for the patient (GET
  .../prescriptions/ID/instructions): how to prepare and take the herbs,
  in plain words, with the clinic's name and no internal codes.
  View document: as herbal/prescription.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:h="urn:cairn:herbal" exclude-result-prefixes="h">
  <xsl:import href="../layout.xsl"/>

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
      <xsl:choose>
        <xsl:when test="$rx/h:form = 'raw'">
          <ol>
            <li>Each day's bag of herbs is one day's medicine.</li>
            <li>Soak the herbs in a pot with about 3 cups of cold water for 30 minutes.</li>
            <li>Bring to the boil, then simmer with the lid on for about 30 minutes.</li>
            <li>Pour off the liquid through a strainer. Add 2 cups of water to the same herbs and simmer again for 20 minutes; pour off and mix the two.</li>
            <li>Drink half in the morning and half in the evening, warm, between meals.</li>
          </ol>
        </xsl:when>
        <xsl:when test="$rx/h:form = 'granules'">
          <ol>
            <li>Dissolve the day's granules in a cup of hot water and stir well.</li>
            <li>Drink half in the morning and half in the evening, between meals.</li>
          </ol>
        </xsl:when>
        <xsl:otherwise>
          <ol><li>Take the pills as written on the label, with water, between meals.</li></ol>
        </xsl:otherwise>
      </xsl:choose>
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
