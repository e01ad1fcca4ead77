<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/referral.xsl - one referral for staff (GET
  /patients/P/referrals/N): status and its history with who moved it,
  the link, consent, what was shared (as the partner sees it), notes,
  and the clinic's actions.

  View document (plugins/referral/tracking.c):
    <referral id= patient= base= role= state= closed=? link-expires=
              partner-id= partner-email= consent-date= consent-method=
              consent-by= flagged=>
      <history><move status= date= by=/>*</history>
      the shared content of lib.xsl
      <form/>?                      a refused action, with its message
    </referral>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="referral" mode="title">Referral for <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="referral" mode="content">
    <xsl:variable name="clin" select="@role = 'clinician'"/>
    <p class="no-print"><a href="/patients/{@patient}/referrals">All referrals of
      <xsl:value-of select="patient/@name"/></a> · <a href="/referrals">Open referrals</a></p>
    <div class="page-head">
      <div>
        <h1>Referral to <xsl:value-of select="partner/@name"/></h1>
        <p class="muted">
          <xsl:call-template name="status-label"><xsl:with-param name="status" select="@state"/></xsl:call-template>
          <xsl:if test="@flagged != ''"> · <span class="badge warn">not acknowledged (flagged <xsl:value-of select="@flagged"/>)</span></xsl:if>
        </p>
      </div>
      <p class="actions"><a class="button secondary" href="{@base}/letter">Letter to print</a></p>
    </div>
    <xsl:if test="form/error">
      <div class="error-summary" role="alert">
        <h2>Not done</h2>
        <ul><xsl:for-each select="form/error"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
      </div>
    </xsl:if>

    <section class="panel" aria-labelledby="h-track">
      <h2 id="h-track">Tracking</h2>
      <dl class="facts">
        <dt>Partner's link</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="@link-expires != ''">sent; works until <xsl:value-of select="@link-expires"/>
              (to <xsl:value-of select="@partner-email"/>)</xsl:when>
            <xsl:otherwise>none</xsl:otherwise>
          </xsl:choose>
        </dd>
        <dt>Consent to share</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="@consent-date != ''"><xsl:value-of select="@consent-method"/>,
              <xsl:value-of select="@consent-date"/>, recorded by <xsl:value-of select="@consent-by"/></xsl:when>
            <xsl:otherwise>not recorded</xsl:otherwise>
          </xsl:choose>
        </dd>
      </dl>
      <h3>History</h3>
      <ol>
        <xsl:for-each select="history/move">
          <li>
            <xsl:call-template name="status-label"><xsl:with-param name="status" select="@status"/></xsl:call-template>
            <xsl:text>, </xsl:text><xsl:value-of select="@date"/>
            <xsl:text>, by </xsl:text><xsl:value-of select="@by"/>
            <xsl:variable name="i" select="position()"/>
            <xsl:if test="/referral/event[$i]/note != ''">: <xsl:value-of select="/referral/event[$i]/note"/></xsl:if>
          </li>
        </xsl:for-each>
      </ol>
      <xsl:if test="$clin and not(@closed)">
        <div class="no-print">
          <form method="post" action="{@base}/send" class="inline">
            <xsl:call-template name="csrf-field"/>
            <button type="submit">
              <xsl:choose>
                <xsl:when test="@state = 'draft'">Send to the partner</xsl:when>
                <xsl:otherwise>Send a new link</xsl:otherwise>
              </xsl:choose>
            </button>
          </form>
          <xsl:if test="@link-expires != ''">
            <form method="post" action="{@base}/revoke" class="inline">
              <xsl:call-template name="csrf-field"/>
              <button type="submit" class="secondary">Withdraw the link</button>
            </form>
          </xsl:if>
        </div>
      </xsl:if>
    </section>

    <xsl:call-template name="shared"/>

    <xsl:if test="not(@closed)">
      <section class="panel no-print" aria-labelledby="h-staff-note">
        <h2 id="h-staff-note">Note to the partner</h2>
        <form method="post" action="{@base}/notes" class="kit-form">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="form-text">
            <xsl:with-param name="form" select="form[@id = 'note']"/>
            <xsl:with-param name="name" select="'text'"/>
            <xsl:with-param name="label" select="'Note (the partner sees it on their page)'"/>
            <xsl:with-param name="rows" select="3"/>
          </xsl:call-template>
          <p class="actions"><button type="submit">Add the note</button></p>
        </form>
      </section>
      <xsl:if test="$clin">
        <section class="panel no-print" aria-labelledby="h-cancel">
          <h2 id="h-cancel">Cancel the referral</h2>
          <form method="post" action="{@base}/cancel" class="kit-form">
            <xsl:call-template name="csrf-field"/>
            <xsl:call-template name="form-text">
              <xsl:with-param name="form" select="form[@id = 'cancel']"/>
              <xsl:with-param name="name" select="'reason'"/>
              <xsl:with-param name="label" select="'Why (the partner then sees only that it is closed)'"/>
              <xsl:with-param name="rows" select="2"/>
            </xsl:call-template>
            <p class="actions"><button type="submit" class="secondary">Cancel the referral</button></p>
          </form>
        </section>
      </xsl:if>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
