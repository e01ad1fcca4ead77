<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/patient-herbs.xsl - the patient's own herbal page, /p/{e}/herbs
  (plugins/herbal/patient_page.c): today's herbs and how to take them, in
  plain words with no internal codes; doses taken this week; a side effect.

    <patient-herbs base="/p/12" today= sent="doses|effect|serious"?>
      <herbs formula= form="raw|granules|pills" start= until= day=? days=
             doses-per-day= week= week-prescribed= week-taken=?>
        <instructions>text</instructions>
        <herb name= chinese=?/>*
      </herbs>?
      <form id="doses" .../> <form id="effect" .../>   (form-lib.xsl)
    </patient-herbs>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="../program/patient-lib.xsl"/>
  <xsl:include href="take-lib.xsl"/>

  <xsl:template match="patient-herbs" mode="title">Your herbs today</xsl:template>

  <xsl:template match="patient-herbs" mode="content">
    <div class="pt">
      <xsl:call-template name="patient-nav"/>
      <h1>Your herbs today</h1>
      <xsl:if test="@sent = 'doses'"><p class="pt-ok" role="status">Thank you: this week's doses are saved.</p></xsl:if>
      <xsl:if test="@sent = 'effect'"><p class="pt-ok" role="status">Thank you: your clinic has been told and will look at it at your next visit, or call you.</p></xsl:if>
      <xsl:if test="@sent = 'serious'"><p class="pt-warn" role="alert">Stop taking the herbs now. Your clinic has been told and will call you. If you feel very unwell, have trouble breathing or swelling of the face or throat, call emergency services.</p></xsl:if>
      <xsl:choose>
        <xsl:when test="herbs">
          <xsl:apply-templates select="herbs"/>
          <section>
            <h2>Doses taken this week</h2>
            <p>Week starting <xsl:value-of select="herbs/@week"/>: you were asked to take
              <strong><xsl:value-of select="herbs/@week-prescribed"/></strong> doses (<xsl:call-template name="times-a-day"><xsl:with-param name="n" select="herbs/@doses-per-day"/></xsl:call-template> on the days of your herbs)<xsl:if test="herbs/@week-taken">; you told us <strong><xsl:value-of select="herbs/@week-taken"/></strong></xsl:if>.</p>
            <xsl:apply-templates select="form[@id = 'doses']" mode="form"/>
          </section>
          <section>
            <h2>A side effect</h2>
            <p>Tell us about a rash, stomach upset, or anything unusual since you started the herbs.</p>
            <p class="pt-warn">If it is serious, stop the herbs and call your clinic.</p>
            <xsl:apply-templates select="form[@id = 'effect']" mode="form"/>
          </section>
        </xsl:when>
        <xsl:otherwise>
          <p>You have no herbal medicine to take at the moment.</p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="patient-signout"/>
    </div>
  </xsl:template>

  <xsl:template match="herbs">
    <section>
      <h2><xsl:choose><xsl:when test="@formula != ''"><xsl:value-of select="@formula"/></xsl:when><xsl:otherwise>Your formula</xsl:otherwise></xsl:choose></h2>
      <p>
        <xsl:choose>
          <xsl:when test="@day">Day <strong><xsl:value-of select="@day"/></strong> of <xsl:value-of select="@days"/>. </xsl:when>
          <xsl:otherwise>From <xsl:value-of select="@start"/>. </xsl:otherwise>
        </xsl:choose>
        Take it until <xsl:value-of select="@until"/>.</p>
      <h3>How to take it</h3>
      <xsl:call-template name="how-to-take">
        <xsl:with-param name="form" select="@form"/>
        <xsl:with-param name="n" select="@doses-per-day"/>
      </xsl:call-template>
      <xsl:if test="instructions != ''">
        <h3>From your practitioner</h3>
        <p class="pre"><xsl:value-of select="instructions"/></p>
      </xsl:if>
      <h3>In your formula</h3>
      <ul class="pt-list">
        <xsl:for-each select="herb"><li><xsl:value-of select="@name"/><xsl:if test="@chinese"> (<xsl:value-of select="@chinese"/>)</xsl:if></li></xsl:for-each>
      </ul>
    </section>
  </xsl:template>
</xsl:stylesheet>
