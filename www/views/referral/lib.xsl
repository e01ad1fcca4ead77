<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/lib.xsl - what the referral plugin's views share (included, not
  a page of its own): words for codes, and the referral as the partner
  sees it: the handoff page and the letter show the same content.

  The shared content is the view document's
    <patient name= birth-date=/>
    <partner name= organisation= discipline=/>
    <clinic><phone/>?<email/>?<address/>?</clinic>
    <request kind= priority= authored= requester= status= first-appointment=>
      <reason/><code/></request>
    <supportingInfo>                     a copy of what the clinician chose
      <summary/>? <measure instrument= label= best= worst= primary=?>
      <point date= score=/>*</measure>* <goal goal= baseline= now=/>*
      <exerciseStage/>? <homeRoutine/>* <herbs/>*
    </supportingInfo>?
    <event status= date=><note/></event>*
    <note from= author= time=><text/></note>*
  (plugins/referral/tracking.c, referral_doc_shared).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:svg="http://www.w3.org/2000/svg"
                xmlns:r="urn:cairn:referral"
                exclude-result-prefixes="svg r">

  <!-- ====================================================== words -->

  <xsl:template name="kind-label">
    <xsl:param name="kind"/>
    <xsl:choose>
      <xsl:when test="$kind = 'onward'">Onward, after the program</xsl:when>
      <xsl:when test="$kind = 'out'">Out of the program's scope</xsl:when>
      <xsl:when test="$kind = 'alongside'">Alongside the program</xsl:when>
      <xsl:otherwise><xsl:value-of select="$kind"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="status-label">
    <xsl:param name="status"/>
    <xsl:choose>
      <xsl:when test="$status = 'draft'">Draft</xsl:when>
      <xsl:when test="$status = 'sent'">Sent</xsl:when>
      <xsl:when test="$status = 'acknowledged'">Acknowledged</xsl:when>
      <xsl:when test="$status = 'accepted'">Accepted</xsl:when>
      <xsl:when test="$status = 'declined'">Declined</xsl:when>
      <xsl:when test="$status = 'first-appointment'">First appointment done</xsl:when>
      <xsl:when test="$status = 'cancelled'">Cancelled</xsl:when>
      <xsl:otherwise><xsl:value-of select="$status"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="priority-label">
    <xsl:param name="priority"/>
    <xsl:choose>
      <xsl:when test="$priority = 'routine'">Routine</xsl:when>
      <xsl:when test="$priority = 'urgent'">Urgent</xsl:when>
      <xsl:when test="$priority = 'asap'">As soon as possible</xsl:when>
      <xsl:otherwise><xsl:value-of select="$priority"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="discipline-label">
    <xsl:param name="discipline"/>
    <xsl:choose>
      <xsl:when test="$discipline = 'physical-therapist'">Physical therapist</xsl:when>
      <xsl:when test="$discipline = 'movement-specialist'">Movement specialist</xsl:when>
      <xsl:when test="$discipline = 'massage-therapist'">Massage therapist</xsl:when>
      <xsl:when test="$discipline = 'personal-trainer'">Personal trainer</xsl:when>
      <xsl:when test="$discipline = 'physician'">Physician</xsl:when>
      <xsl:when test="$discipline = 'psychologist'">Psychologist</xsl:when>
      <xsl:otherwise>Other</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Text with its line breaks kept, one paragraph per line. -->
  <xsl:template name="lines">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&#10;')">
        <p><xsl:value-of select="substring-before($text, '&#10;')"/></p>
        <xsl:call-template name="lines">
          <xsl:with-param name="text" select="substring-after($text, '&#10;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="normalize-space($text) != ''"><p><xsl:value-of select="$text"/></p></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================ the measure chart -->

  <!-- Geometry, in viewBox units: small enough for a phone's width. -->
  <xsl:variable name="cW" select="320"/>
  <xsl:variable name="cH" select="150"/>
  <xsl:variable name="cL" select="34"/>
  <xsl:variable name="cT" select="10"/>
  <xsl:variable name="cPW" select="270"/>
  <xsl:variable name="cPH" select="110"/>

  <!-- y of score v on the measure m's scale: the best end at the top. -->
  <xsl:template name="cy">
    <xsl:param name="m"/>
    <xsl:param name="v"/>
    <xsl:variable name="span" select="number($m/@best) - number($m/@worst)"/>
    <xsl:choose>
      <xsl:when test="$span = 0"><xsl:value-of select="$cT + $cPH div 2"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="format-number($cT + $cPH * (1 - (number($v) - number($m/@worst)) div $span), '0.0')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- x of the i-th of n points. -->
  <xsl:template name="cx">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n &lt; 2"><xsl:value-of select="$cL + $cPW div 2"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="format-number($cL + $cPW * ($i - 1) div ($n - 1), '0.0')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="measure" mode="chart">
    <xsl:variable name="m" select="."/>
    <xsl:variable name="n" select="count(point)"/>
    <xsl:variable name="id" select="concat('m-', @instrument)"/>
    <xsl:variable name="yb">
      <xsl:call-template name="cy">
        <xsl:with-param name="m" select="$m"/>
        <xsl:with-param name="v" select="point[1]/@score"/>
      </xsl:call-template>
    </xsl:variable>
    <figure class="chart small">
      <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
           viewBox="0 0 {$cW} {$cH}" aria-labelledby="{$id}-title">
        <title id="{$id}-title">
          <xsl:value-of select="@label"/>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="point[1]/@score"/>
          <xsl:text> on </xsl:text>
          <xsl:value-of select="point[1]/@date"/>
          <xsl:text>, </xsl:text>
          <xsl:value-of select="point[last()]/@score"/>
          <xsl:text> on </xsl:text>
          <xsl:value-of select="point[last()]/@date"/>
        </title>
        <!-- The scale's two ends. -->
        <line class="grid" x1="{$cL}" x2="{$cL + $cPW}" y1="{$cT}" y2="{$cT}"/>
        <line class="grid" x1="{$cL}" x2="{$cL + $cPW}" y1="{$cT + $cPH}" y2="{$cT + $cPH}"/>
        <text class="tick-label" x="{$cL - 6}" y="{$cT + 4}" text-anchor="end"><xsl:value-of select="@best"/></text>
        <text class="tick-label" x="{$cL - 6}" y="{$cT + $cPH + 4}" text-anchor="end"><xsl:value-of select="@worst"/></text>
        <!-- The baseline. -->
        <line class="baseline" x1="{$cL}" x2="{$cL + $cPW}" y1="{$yb}" y2="{$yb}"/>
        <polyline class="trajectory" fill="none">
          <xsl:attribute name="points">
            <xsl:for-each select="point">
              <xsl:call-template name="cx">
                <xsl:with-param name="i" select="position()"/>
                <xsl:with-param name="n" select="$n"/>
              </xsl:call-template>
              <xsl:text>,</xsl:text>
              <xsl:call-template name="cy">
                <xsl:with-param name="m" select="$m"/>
                <xsl:with-param name="v" select="@score"/>
              </xsl:call-template>
              <xsl:text> </xsl:text>
            </xsl:for-each>
          </xsl:attribute>
        </polyline>
        <xsl:for-each select="point">
          <circle r="3.5">
            <xsl:attribute name="class">
              <xsl:text>point</xsl:text>
              <xsl:if test="position() = 1"> base</xsl:if>
            </xsl:attribute>
            <xsl:attribute name="cx">
              <xsl:call-template name="cx">
                <xsl:with-param name="i" select="position()"/>
                <xsl:with-param name="n" select="$n"/>
              </xsl:call-template>
            </xsl:attribute>
            <xsl:attribute name="cy">
              <xsl:call-template name="cy">
                <xsl:with-param name="m" select="$m"/>
                <xsl:with-param name="v" select="@score"/>
              </xsl:call-template>
            </xsl:attribute>
          </circle>
        </xsl:for-each>
        <text class="tick-label" x="{$cL}" y="{$cH - 8}"><xsl:value-of select="point[1]/@date"/></text>
        <text class="tick-label" x="{$cL + $cPW}" y="{$cH - 8}" text-anchor="end"><xsl:value-of select="point[last()]/@date"/></text>
      </svg>
    </figure>
  </xsl:template>

  <!-- A score without trailing zeros: 7.00 -> 7, 5.70 -> 5.7. -->
  <xsl:template name="score">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number(number($v), '0.#')"/>
  </xsl:template>

  <!-- ================================================ what was shared -->

  <xsl:template name="shared">
    <xsl:variable name="rq" select="/*/request"/>
    <section class="panel" aria-labelledby="h-who">
      <h2 id="h-who">Referral for <xsl:value-of select="/*/patient/@name"/></h2>
      <dl class="facts">
        <xsl:if test="/*/patient/@birth-date != ''">
          <dt>Date of birth</dt><dd><xsl:value-of select="/*/patient/@birth-date"/></dd>
        </xsl:if>
        <dt>To</dt>
        <dd>
          <xsl:value-of select="/*/partner/@name"/>
          <xsl:if test="/*/partner/@organisation != ''">, <xsl:value-of select="/*/partner/@organisation"/></xsl:if>
        </dd>
        <dt>Kind</dt>
        <dd><xsl:call-template name="kind-label"><xsl:with-param name="kind" select="$rq/@kind"/></xsl:call-template></dd>
        <dt>Urgency</dt>
        <dd><xsl:call-template name="priority-label"><xsl:with-param name="priority" select="$rq/@priority"/></xsl:call-template></dd>
        <dt>Written</dt>
        <dd><xsl:value-of select="$rq/@authored"/> by <xsl:value-of select="$rq/@requester"/></dd>
        <dt>Status</dt>
        <dd>
          <xsl:call-template name="status-label"><xsl:with-param name="status" select="$rq/@status"/></xsl:call-template>
          <xsl:if test="$rq/@first-appointment != ''">
            <xsl:text> (first appointment </xsl:text>
            <xsl:value-of select="$rq/@first-appointment"/>
            <xsl:text>)</xsl:text>
          </xsl:if>
        </dd>
      </dl>
    </section>

    <section class="panel" aria-labelledby="h-why">
      <h2 id="h-why">Why we refer</h2>
      <div class="prose"><xsl:call-template name="lines"><xsl:with-param name="text" select="$rq/reason"/></xsl:call-template></div>
      <h3>What the patient needs next</h3>
      <div class="prose"><xsl:call-template name="lines"><xsl:with-param name="text" select="$rq/code"/></xsl:call-template></div>
    </section>

    <xsl:variable name="si" select="/*/supportingInfo"/>
    <section class="panel" aria-labelledby="h-where">
      <h2 id="h-where">Where the patient is</h2>
      <xsl:if test="not($si/*)">
        <p class="muted">The clinic shared no details beyond the reason.</p>
      </xsl:if>
      <xsl:if test="$si/summary">
        <div class="prose"><xsl:call-template name="lines"><xsl:with-param name="text" select="$si/summary"/></xsl:call-template></div>
      </xsl:if>
      <xsl:for-each select="$si/measure">
        <h3>
          <xsl:value-of select="@label"/>
          <xsl:if test="@primary = 'true'"> (primary measure)</xsl:if>
        </h3>
        <p>
          <xsl:text>Baseline </xsl:text>
          <strong><xsl:call-template name="score"><xsl:with-param name="v" select="point[1]/@score"/></xsl:call-template></strong>
          <xsl:text> (</xsl:text><xsl:value-of select="point[1]/@date"/><xsl:text>), now </xsl:text>
          <strong><xsl:call-template name="score"><xsl:with-param name="v" select="point[last()]/@score"/></xsl:call-template></strong>
          <xsl:text> (</xsl:text><xsl:value-of select="point[last()]/@date"/><xsl:text>); best possible </xsl:text>
          <xsl:value-of select="@best"/><xsl:text>, worst </xsl:text><xsl:value-of select="@worst"/><xsl:text>.</xsl:text>
        </p>
        <xsl:apply-templates select="." mode="chart"/>
      </xsl:for-each>
      <xsl:if test="$si/goal">
        <h3>Functional goals (PSFS: 0 = unable, 10 = as before)</h3>
        <div class="table-wrap">
          <table class="small">
            <thead><tr><th scope="col">Activity</th><th class="num" scope="col">First</th>
              <th class="num" scope="col">Now</th><th class="num" scope="col">Goal</th></tr></thead>
            <tbody>
              <xsl:for-each select="$si/goal">
                <tr>
                  <th scope="row"><xsl:value-of select="."/></th>
                  <td class="num"><xsl:value-of select="@baseline"/></td>
                  <td class="num"><xsl:value-of select="@now"/></td>
                  <td class="num"><xsl:value-of select="@goal"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:if>
      <xsl:if test="$si/exerciseStage or $si/homeRoutine">
        <h3>Exercise</h3>
        <xsl:if test="$si/exerciseStage">
          <p>Stage: <xsl:value-of select="$si/exerciseStage"/></p>
        </xsl:if>
        <xsl:if test="$si/homeRoutine">
          <p>Home routine:</p>
          <ul><xsl:for-each select="$si/homeRoutine"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
        </xsl:if>
      </xsl:if>
      <xsl:if test="$si/herbs">
        <h3>Current herbal medicine</h3>
        <ul><xsl:for-each select="$si/herbs"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
      </xsl:if>
    </section>

    <xsl:if test="/*/note">
      <section class="panel" aria-labelledby="h-notes">
        <h2 id="h-notes">Notes</h2>
        <ul class="notes">
          <xsl:for-each select="/*/note">
            <li>
              <strong><xsl:value-of select="@author"/></strong>
              <xsl:text>, </xsl:text><xsl:value-of select="@time"/>
              <xsl:text>: </xsl:text>
              <xsl:value-of select="text"/>
            </li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- The clinic's contact. -->
  <xsl:template name="clinic-contact">
    <xsl:param name="clinic-name"/>
    <xsl:variable name="c" select="/*/clinic"/>
    <section class="panel" aria-labelledby="h-contact">
      <h2 id="h-contact">Contact the clinic</h2>
      <p><strong><xsl:value-of select="$clinic-name"/></strong></p>
      <xsl:if test="$c/phone">
        <p>Phone: <a href="tel:{translate($c/phone, ' ', '')}"><xsl:value-of select="$c/phone"/></a></p>
      </xsl:if>
      <xsl:if test="$c/email">
        <p>Email: <a href="mailto:{$c/email}"><xsl:value-of select="$c/email"/></a></p>
      </xsl:if>
      <xsl:if test="$c/address">
        <div class="prose"><xsl:call-template name="lines"><xsl:with-param name="text" select="$c/address"/></xsl:call-template></div>
      </xsl:if>
    </section>
  </xsl:template>

</xsl:stylesheet>
