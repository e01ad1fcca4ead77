<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/partner.xsl - a new partner (GET /partners/new) and one partner
  (GET /partners/N) with the referrals sent to them and its edit form.

  View documents (plugins/referral/partner.c):
    <partner-new><form/></partner-new>
    <partner id= role=>
      <record ...><r:Partner/></record>
      <referral id= patient= name= state= sent= kind=/>*
      <form/>?                        clinicians and the administrator
    </partner>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:cairn:referral" exclude-result-prefixes="r">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="partner-new" mode="title">New partner</xsl:template>
  <xsl:template match="partner-new" mode="content">
    <p class="no-print"><a href="/partners">All partners</a></p>
    <h1>New partner</h1>
    <xsl:apply-templates select="form" mode="form"/>
  </xsl:template>

  <xsl:template match="partner" mode="title"><xsl:value-of select="record/r:Partner/r:name"/></xsl:template>
  <xsl:template match="partner" mode="content">
    <xsl:variable name="p" select="record/r:Partner"/>
    <p class="no-print"><a href="/partners">All partners</a></p>
    <h1><xsl:value-of select="$p/r:name"/></h1>
    <section class="panel">
      <dl class="facts">
        <xsl:if test="$p/r:organisation"><dt>Organisation</dt><dd><xsl:value-of select="$p/r:organisation"/></dd></xsl:if>
        <dt>Discipline</dt>
        <dd><xsl:call-template name="discipline-label"><xsl:with-param name="discipline" select="$p/r:discipline"/></xsl:call-template></dd>
        <xsl:if test="$p/r:email"><dt>Email</dt><dd><xsl:value-of select="$p/r:email"/></dd></xsl:if>
        <xsl:if test="$p/r:phone"><dt>Phone</dt><dd><xsl:value-of select="$p/r:phone"/></dd></xsl:if>
        <xsl:if test="$p/r:address"><dt>Address</dt><dd><xsl:value-of select="$p/r:address"/></dd></xsl:if>
        <xsl:if test="$p/r:trustedFor"><dt>Trusted for</dt><dd><xsl:value-of select="$p/r:trustedFor"/></dd></xsl:if>
        <xsl:if test="$p/r:tag">
          <dt>Tags</dt>
          <dd><xsl:for-each select="$p/r:tag"><a href="/partners?tag={.}"><xsl:value-of select="."/></a><xsl:if test="position() != last()">, </xsl:if></xsl:for-each></dd>
        </xsl:if>
        <dt>Active</dt><dd><xsl:choose><xsl:when test="$p/r:active = 'true'">yes</xsl:when><xsl:otherwise>no: not offered for new referrals</xsl:otherwise></xsl:choose></dd>
      </dl>
    </section>
    <section class="panel" aria-labelledby="h-refs">
      <h2 id="h-refs">Referrals to this partner</h2>
      <xsl:choose>
        <xsl:when test="referral">
          <ul>
            <xsl:for-each select="referral">
              <li>
                <xsl:choose>
                  <xsl:when test="$staff-role = 'clinician' or $staff-role = 'admin'">
                    <a href="/patients/{@patient}/referrals/{@id}"><xsl:value-of select="@name"/></a>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="@name"/></xsl:otherwise>
                </xsl:choose>
                <xsl:text>: </xsl:text>
                <xsl:call-template name="status-label"><xsl:with-param name="status" select="@state"/></xsl:call-template>
                <xsl:if test="@sent != ''">, sent <xsl:value-of select="@sent"/></xsl:if>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">None yet.</p></xsl:otherwise>
      </xsl:choose>
    </section>
    <xsl:if test="form">
      <section class="panel no-print" aria-labelledby="h-edit">
        <h2 id="h-edit">Change</h2>
        <xsl:apply-templates select="form" mode="form"/>
      </section>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
