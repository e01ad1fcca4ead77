<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/handoff.xsl - the partner's page (GET /handoff/N), reached only
  through the clinic's link: phone-first, printable (print drops the
  forms), what the clinician shared and nothing else.

  View document (plugins/referral/handoff.c):
    <handoff id= state= closed="yes"? base=>
      the shared content of lib.xsl (absent when closed)
      <clinic><phone/>?<email/>?<address/>?</clinic>
      <actions><acknowledge/>? <form id="decision|appointment|note"/>*</actions>
    </handoff>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="handoff" mode="title">Referral from <xsl:value-of select="$clinic"/></xsl:template>

  <xsl:template match="handoff[@closed = 'yes']" mode="content">
    <h1>This referral is closed</h1>
    <p class="lead">The clinic or you closed this referral, so its details are no longer shown here.</p>
    <xsl:call-template name="clinic-contact">
      <xsl:with-param name="clinic-name" select="$clinic"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="handoff" mode="content">
    <div class="page-head">
      <div>
        <h1>Referral from <xsl:value-of select="$clinic"/></h1>
        <p class="muted">For <xsl:value-of select="partner/@name"/>.
          This page is for you alone: please do not forward its link.
          To keep a copy, print it.</p>
      </div>
    </div>
    <xsl:if test="actions/acknowledge">
      <form method="post" action="{@base}/acknowledge" class="panel notice">
        <xsl:call-template name="csrf-field"/>
        <p>Let the clinic know you have received this referral.</p>
        <p class="actions"><button type="submit">Acknowledge receipt</button></p>
      </form>
    </xsl:if>
    <xsl:call-template name="shared"/>
    <section class="panel no-print" aria-labelledby="h-reply">
      <h2 id="h-reply">Reply to the clinic</h2>
      <xsl:apply-templates select="actions/form" mode="form"/>
    </section>
    <xsl:call-template name="clinic-contact">
      <xsl:with-param name="clinic-name" select="$clinic"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
