<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/patient.xsl - a graduate's maintenance: the plan, its
  invoices, the check-ins, the loss-of-gains verdict and the way back
  (GET /patients/{p}/maintenance).
  View document (plugins/maintenance/plan.c):
    <maintenance-patient patient= name= referral-form="yes|no" currency=>
      <episode id= graduated= improvement=? verdict="held|talk|undefined">
        <verdict-text/>
        <plan record= option= kind= start= renewal=? state= end-date=? email=?
              terms-version= paused-on=? resumed-on=? billed-from=?
              name= monthly-fee=? visits-included=? visit-fee=? currency=>
          <end-reason/>? <pause-reason/>?
          <invoice period-start= period-end= amount= visit="yes"?/>*
          <visit date= kind=/>*
        </plan>
        <checkin record= months= due= state= sent=? reminded=? answered=? via=?
                 score=? improvement=? pgic=? home-routine=?><comment/>?</checkin>*
        <came-back episode= phase= date=/>?   <previous>id</previous>?
        <form id="plan-E"/> <form id="cancel-E"/> <form id="return-E"/>
        <form id="pause-E"/> <form id="resume-E"/> <form id="visits-E"/>
      </episode>*
    </maintenance-patient>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="maintenance-patient" mode="title">Maintenance: <xsl:value-of select="@name"/></xsl:template>

  <xsl:template match="maintenance-patient" mode="content">
    <p><a href="/patients/{@patient}">Chart</a> · <a href="/maintenance">All graduates</a></p>
    <h1>Maintenance: <xsl:value-of select="@name"/></h1>
    <xsl:if test="not(episode)"><p>No episode of this patient has graduated yet.</p></xsl:if>
    <xsl:apply-templates select="episode"/>
  </xsl:template>

  <xsl:template match="episode">
    <xsl:variable name="p" select="../@patient"/>
    <section class="panel" id="episode-{@id}">
      <h2>Episode <a href="/patients/{$p}/episodes/{@id}"><xsl:value-of select="@id"/></a>, graduated <xsl:value-of select="@graduated"/></h2>
      <xsl:if test="previous"><p>A return to the program from episode <a href="/patients/{$p}/episodes/{previous}"><xsl:value-of select="previous"/></a>.</p></xsl:if>
      <p>Improvement at graduation: <xsl:choose><xsl:when test="@improvement"><xsl:value-of select="@improvement"/>%</xsl:when><xsl:otherwise>undefined</xsl:otherwise></xsl:choose>.</p>
      <p class="verdict verdict-{@verdict}" id="verdict-{@id}"><strong><xsl:value-of select="verdict-text"/></strong></p>
      <xsl:if test="came-back">
        <p>Came back on <xsl:value-of select="came-back/@date"/>: <a href="/patients/{$p}/episodes/{came-back/@episode}">episode <xsl:value-of select="came-back/@episode"/></a>, starting at the <xsl:value-of select="came-back/@phase"/> phase.</p>
      </xsl:if>
      <xsl:apply-templates select="plan"/>
      <h3>Check-ins</h3>
      <table>
        <thead><tr><th scope="col">When</th><th scope="col">Due</th><th scope="col">State</th><th scope="col">Score</th><th scope="col">Improvement</th><th scope="col">PGIC</th><th scope="col">Home routine</th><th scope="col"></th></tr></thead>
        <tbody>
          <xsl:for-each select="checkin">
            <tr id="checkin-{@record}">
              <td><xsl:value-of select="@months"/><xsl:choose><xsl:when test="@months = 1"> month</xsl:when><xsl:otherwise> months</xsl:otherwise></xsl:choose></td>
              <td><xsl:value-of select="@due"/></td>
              <td><xsl:value-of select="@state"/><xsl:if test="@via"> (<xsl:value-of select="@via"/>)</xsl:if></td>
              <td><xsl:value-of select="@score"/></td>
              <td><xsl:if test="@improvement"><xsl:value-of select="@improvement"/>%</xsl:if></td>
              <td><xsl:value-of select="@pgic"/></td>
              <td><xsl:value-of select="@home-routine"/></td>
              <td><xsl:if test="@state != 'done'"><a href="/maintenance/check-ins/{@record}">Record by phone</a></xsl:if></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      <xsl:if test="plan/@state != 'ended'">
        <h3>Choose or change the plan</h3>
        <xsl:apply-templates select="form[starts-with(@id, 'plan-')]" mode="form"/>
        <xsl:if test="../@referral-form = 'yes' and $staff-role = 'clinician'">
          <p>For a massage therapist or a trainer: <a href="/patients/{$p}/referrals/new?kind=onward&amp;episode={@id}">write the referral</a>.</p>
        </xsl:if>
        <xsl:if test="not(../@referral-form = 'yes' and $staff-role = 'clinician')">
          <p>A massage therapist or a trainer is arranged by staff through a referral.</p>
        </xsl:if>
        <xsl:if test="plan/@kind = 'membership' or plan/@kind = 'as-needed'">
          <h3>A visit here</h3>
          <xsl:choose>
            <xsl:when test="plan/@state = 'active'">
              <p><xsl:choose>
                <xsl:when test="plan/@kind = 'membership'">Included in the monthly fee: a visit is never invoiced.</xsl:when>
                <xsl:otherwise>Invoiced at the plan's fee a visit.</xsl:otherwise>
              </xsl:choose></p>
              <xsl:apply-templates select="form[starts-with(@id, 'visits-')]" mode="form"/>
            </xsl:when>
            <xsl:otherwise><p>A paused plan takes no visit: resume it first.</p></xsl:otherwise>
          </xsl:choose>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="plan/@state = 'paused'">
            <h3>Resume</h3>
            <p>The months begin again where the paid one ran out, or today.</p>
            <xsl:apply-templates select="form[starts-with(@id, 'resume-')]" mode="form"/>
          </xsl:when>
          <xsl:otherwise>
            <h3>Pause</h3>
            <p>While paused, no month is billed and no visit taken; the month already begun runs out.</p>
            <xsl:apply-templates select="form[starts-with(@id, 'pause-')]" mode="form"/>
          </xsl:otherwise>
        </xsl:choose>
        <h3>Cancel</h3>
        <xsl:apply-templates select="form[starts-with(@id, 'cancel-')]" mode="form"/>
      </xsl:if>
      <xsl:if test="not(came-back)">
        <h3>Coming back</h3>
        <p>Opens a new episode linked to this one, at the phase you choose, at today's program fees.</p>
        <xsl:apply-templates select="form[starts-with(@id, 'return-')]" mode="form"/>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="plan">
    <h3>Plan</h3>
    <dl class="plan facts" id="plan-{@record}">
      <dt>Plan</dt><dd><xsl:value-of select="@name"/></dd>
      <dt>State</dt><dd class="state"><xsl:value-of select="@state"/><xsl:if test="@paused-on"> (from <xsl:value-of select="@paused-on"/>)</xsl:if><xsl:if test="@end-date"> (ends <xsl:value-of select="@end-date"/>)</xsl:if></dd>
      <xsl:if test="pause-reason"><dt>Paused because</dt><dd><xsl:value-of select="pause-reason"/></dd></xsl:if>
      <xsl:if test="end-reason"><dt>Reason</dt><dd><xsl:value-of select="end-reason"/></dd></xsl:if>
      <xsl:if test="@resumed-on"><dt>Resumed</dt><dd><xsl:value-of select="@resumed-on"/><xsl:if test="@billed-from">; months from <xsl:value-of select="@billed-from"/></xsl:if></dd></xsl:if>
      <dt>Since</dt><dd><xsl:value-of select="@start"/></dd>
      <dt>Terms</dt><dd>version <xsl:value-of select="@terms-version"/></dd>
      <xsl:if test="@monthly-fee"><dt>Fee</dt><dd><xsl:value-of select="@currency"/><xsl:text> </xsl:text><xsl:value-of select="@monthly-fee"/> a month, <xsl:value-of select="@visits-included"/> visit(s) included</dd></xsl:if>
      <xsl:if test="@visit-fee"><dt>Fee</dt><dd><xsl:value-of select="@currency"/><xsl:text> </xsl:text><xsl:value-of select="@visit-fee"/> a visit</dd></xsl:if>
      <xsl:if test="@renewal"><dt>Renews</dt><dd><xsl:value-of select="@renewal"/></dd></xsl:if>
      <xsl:if test="@email"><dt>Email</dt><dd><xsl:value-of select="@email"/></dd></xsl:if>
    </dl>
    <xsl:if test="invoice">
      <h4><xsl:choose><xsl:when test="@kind = 'as-needed'">Invoices (one a visit)</xsl:when><xsl:otherwise>Invoices (one a month)</xsl:otherwise></xsl:choose></h4>
      <table>
        <thead><tr><th scope="col">For</th><th scope="col">Amount</th></tr></thead>
        <tbody>
          <xsl:for-each select="invoice">
            <tr class="invoice"><td><xsl:choose>
              <xsl:when test="@visit = 'yes'">The visit on <xsl:value-of select="@period-start"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="@period-start"/> to <xsl:value-of select="@period-end"/></xsl:otherwise>
            </xsl:choose></td><td><xsl:value-of select="../@currency"/><xsl:text> </xsl:text><xsl:value-of select="@amount"/></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </xsl:if>
    <xsl:if test="visit">
      <h4>Visits here</h4>
      <ul>
        <xsl:for-each select="visit">
          <li class="visit"><xsl:value-of select="@date"/><xsl:if test="@kind = 'membership'"> (included in the membership)</xsl:if></li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
