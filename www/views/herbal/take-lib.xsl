<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/take-lib.xsl - how to take the herbs, in plain words, for the
  printed instructions (instructions.xsl) and the patient's own page
  (patient-herbs.xsl), so both say the same; and "N times a day" for the
  staff pages.  Included, not a page of its own:
    <xsl:include href="take-lib.xsl"/>

  Templates:
    times-a-day  n: "once a day", "twice a day", "3 times a day", ...
    how-to-take  form (raw|granules|pills), n (doses a day, 1-4): an <ol>.
  n comes from the view document's doses-per-day attribute, which the
  plugin fills from the prescription (2 for one stored before it had one).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template name="times-a-day">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n = 1">once a day</xsl:when>
      <xsl:when test="$n = 2">twice a day</xsl:when>
      <xsl:otherwise><xsl:value-of select="$n"/> times a day</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- When in the day, for n doses. -->
  <xsl:template name="take-when">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n = 1">in the morning</xsl:when>
      <xsl:when test="$n = 2">in the morning and in the evening</xsl:when>
      <xsl:when test="$n = 3">in the morning, at midday and in the evening</xsl:when>
      <xsl:otherwise>in the morning, at midday, in the late afternoon and at bedtime</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One dose's share of the day's medicine. -->
  <xsl:template name="take-share">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n = 1">all</xsl:when>
      <xsl:when test="$n = 2">half</xsl:when>
      <xsl:when test="$n = 3">a third</xsl:when>
      <xsl:otherwise>a quarter</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="how-to-take">
    <xsl:param name="form"/>
    <xsl:param name="n" select="2"/>
    <xsl:variable name="times"><xsl:call-template name="times-a-day"><xsl:with-param name="n" select="$n"/></xsl:call-template></xsl:variable>
    <xsl:variable name="when"><xsl:call-template name="take-when"><xsl:with-param name="n" select="$n"/></xsl:call-template></xsl:variable>
    <xsl:variable name="share"><xsl:call-template name="take-share"><xsl:with-param name="n" select="$n"/></xsl:call-template></xsl:variable>
    <!-- "Take it twice a day, in the morning and in the evening" -->
    <xsl:variable name="take">Take it <xsl:value-of select="$times"/>, <xsl:value-of select="$when"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$form = 'raw'">
        <ol>
          <li>Each day's bag of herbs is one day's medicine.</li>
          <li>Soak the herbs in a pot with about 3 cups of cold water for 30 minutes.</li>
          <li>Bring to the boil, then simmer with the lid on for about 30 minutes.</li>
          <li>Pour off the liquid through a strainer. Add 2 cups of water to the same herbs and simmer again for 20 minutes; pour off and mix the two.</li>
          <li class="take"><strong><xsl:value-of select="$take"/></strong>:
            <xsl:choose>
              <xsl:when test="$n = 1">drink all of the day's liquid</xsl:when>
              <xsl:otherwise>each time, drink <xsl:value-of select="$share"/> of the day's liquid</xsl:otherwise>
            </xsl:choose>, warm, between meals.</li>
        </ol>
      </xsl:when>
      <xsl:when test="$form = 'granules'">
        <ol>
          <li class="take"><strong><xsl:value-of select="$take"/></strong>, between meals.</li>
          <li>
            <xsl:choose>
              <xsl:when test="$n = 1">Dissolve the day's granules</xsl:when>
              <xsl:otherwise>Each time, dissolve <xsl:value-of select="$share"/> of the day's granules</xsl:otherwise>
            </xsl:choose> in a cup of hot water, stir well and drink it.</li>
        </ol>
      </xsl:when>
      <xsl:otherwise>
        <ol><li class="take"><strong><xsl:value-of select="$take"/></strong>: the pills as written on the label, with water, between meals.</li></ol>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
