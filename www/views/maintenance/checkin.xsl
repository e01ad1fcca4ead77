<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/checkin.xsl - a check-in's short form, for the patient on a
  phone through the link, or staff taking it by phone.
  View document (plugins/maintenance/checkin.c):
    <maintenance-checkin record= patient= months= state= staff="yes|no" instrument=?>
      <form id="checkin" ...>?   (absent once answered)
    </maintenance-checkin>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="maintenance-checkin" mode="title">How are you doing?</xsl:template>

  <xsl:template match="maintenance-checkin" mode="content">
    <h1>How are you doing?</h1>
    <xsl:choose>
      <xsl:when test="@state = 'done'">
        <p class="message" id="thanks">Thank you: your answers are with the clinic.
          If things have got worse, we will be in touch to talk it over.</p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="@staff = 'yes'">
          <p>Recording the <xsl:value-of select="@months"/>-month check-in taken by phone
            (<a href="/patients/{@patient}/maintenance">the patient's plan</a>).</p>
        </xsl:if>
        <p>It is <xsl:value-of select="@months"/> month<xsl:if test="@months != 1">s</xsl:if> since you
          finished the program. A few questions, two minutes.</p>
        <xsl:apply-templates select="form" mode="form"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
