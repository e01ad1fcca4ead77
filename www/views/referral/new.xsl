<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/new.xsl - writing a referral (GET /patients/P/referrals/new).

  View document (plugins/referral/compose.c):
    <referral-new patient= patient-name= episode=? tag=>
      <offers><offer key= label= checked="yes"?><detail/></offer>*</offers>
      <form id="referral" action= submit=> the form model </form>
    </referral-new>
  The offers are "where you are" items the records hold; each is a
  checkbox "share.KEY": nothing is shared unless it is ticked.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="referral-new" mode="title">New referral</xsl:template>

  <xsl:template match="referral-new" mode="content">
    <xsl:variable name="f" select="form"/>
    <p class="no-print"><a href="/patients/{@patient}/referrals">Referrals of
      <xsl:value-of select="@patient-name"/></a></p>
    <h1>New referral for <xsl:value-of select="@patient-name"/></h1>
    <p class="muted">Here is where you are, here is what you need next, here is
      who we trust to take you there. Share only what the partner needs.
      <xsl:if test="@tag != ''"> Partners trusted for
        <strong><xsl:value-of select="@tag"/></strong> (<a href="?kind={$f/value[@name='kind']}&amp;episode={@episode}">all partners</a>).</xsl:if></p>
    <form method="post" action="{$f/@action}" class="kit-form" id="form-{$f/@id}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <xsl:call-template name="form-error-summary">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="title" select="'Not saved'"/>
      </xsl:call-template>
      <xsl:apply-templates select="$f/field[@name != 'consent' and @name != 'consentMethod']" mode="form-field">
        <xsl:with-param name="form" select="$f"/>
      </xsl:apply-templates>
      <fieldset>
        <legend>What to share from the records</legend>
        <xsl:choose>
          <xsl:when test="offers/offer">
            <xsl:for-each select="offers/offer">
              <div class="field">
                <label class="choice" for="share-{translate(@key, '.', '-')}">
                  <input type="checkbox" id="share-{translate(@key, '.', '-')}" name="share.{@key}" value="yes">
                    <xsl:if test="@checked = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
                  </input>
                  <xsl:text> </xsl:text>
                  <xsl:value-of select="@label"/>
                </label>
                <span class="hint"><xsl:value-of select="detail"/></span>
              </div>
            </xsl:for-each>
          </xsl:when>
          <xsl:otherwise><p class="muted">The records hold nothing to share yet: the reason and your words go alone.</p></xsl:otherwise>
        </xsl:choose>
      </fieldset>
      <fieldset>
        <legend>Consent to share</legend>
        <xsl:apply-templates select="$f/field[@name = 'consent' or @name = 'consentMethod']" mode="form-field">
          <xsl:with-param name="form" select="$f"/>
        </xsl:apply-templates>
      </fieldset>
      <p class="actions"><button type="submit"><xsl:value-of select="$f/@submit"/></button></p>
    </form>
  </xsl:template>
</xsl:stylesheet>
