<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-lib.xsl - what every page of the patient's own side
  shares (included by patient-home, -diary, -flare, -summary): the
  patient's navigation, with "sign out on this device".  Phone first:
  one column, large touch targets (cairn.css .pt), plain words.
  The page documents carry @base ("/p/12") and @today.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template name="patient-nav">
    <xsl:param name="current" select="''"/>
    <nav class="pt-nav no-print" aria-label="Your pages">
      <ul>
        <li><a href="{/*/@base}"><xsl:if test="$current = 'home'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>Home</a></li>
        <li><a href="{/*/@base}/diary"><xsl:if test="$current = 'diary'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>Diary</a></li>
        <li><a href="{/*/@base}/flare"><xsl:if test="$current = 'flare'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>Flare</a></li>
        <li><a href="{/*/@base}/summary"><xsl:if test="$current = 'summary'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>Summary</a></li>
      </ul>
    </nav>
  </xsl:template>

  <xsl:template name="patient-signout">
    <form class="pt-signout no-print" method="post" action="/c/sign-out">
      <xsl:call-template name="csrf-field"/>
      <button type="submit" class="secondary">Sign out on this device</button>
      <p class="muted small">Your link keeps working: open it again from your email.</p>
    </form>
  </xsl:template>

  <!-- The measure: a simplified chart (decorative for screen readers) and
       the same figures as a table. -->
  <xsl:template match="measure" mode="patient-chart">
    <xsl:variable name="w" select="@width"/>
    <xsl:variable name="h" select="@height"/>
    <figure class="pt-chart">
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {$w} {$h}" width="100%" role="img" aria-hidden="true" focusable="false">
        <rect x="0" y="0" width="{$w}" height="{$h}" fill="#fafafa" stroke="#ddd"/>
        <xsl:if test="@baseline-y">
          <line x1="0" x2="{$w}" y1="{@baseline-y}" y2="{@baseline-y}" stroke="#888" stroke-dasharray="4 3"/>
          <line x1="0" x2="{$w}" y1="{@half-y}" y2="{@half-y}" stroke="#2a7d4f" stroke-width="2"/>
        </xsl:if>
        <xsl:if test="count(point) &gt; 1">
          <polyline points="{@points}" fill="none" stroke="#1f5fa8" stroke-width="2"/>
        </xsl:if>
        <xsl:for-each select="point">
          <circle cx="{@x}" cy="{@y}" r="4">
            <xsl:attribute name="fill"><xsl:choose><xsl:when test="@by = 'you'">#ffffff</xsl:when><xsl:otherwise>#1f5fa8</xsl:otherwise></xsl:choose></xsl:attribute>
            <xsl:attribute name="stroke">#1f5fa8</xsl:attribute>
          </circle>
        </xsl:for-each>
        <!-- The labels last, with a halo, so no point hides them. -->
        <xsl:if test="@baseline-y">
          <text x="4" y="{@baseline-y - 3}" font-size="10" fill="#555" stroke="#fafafa" stroke-width="3" paint-order="stroke">start <xsl:value-of select="@baseline"/></text>
          <text x="4" y="{@half-y - 3}" font-size="10" fill="#2a7d4f" stroke="#fafafa" stroke-width="3" paint-order="stroke">50% better: <xsl:value-of select="@half"/></text>
        </xsl:if>
      </svg>
      <figcaption class="small muted">
        <xsl:choose>
          <xsl:when test="@lower-is-better = 'yes'">Lower scores are better; the chart shows better as higher up.</xsl:when>
          <xsl:otherwise>Higher scores are better.</xsl:otherwise>
        </xsl:choose>
        <xsl:text> Filled dots: measured at the clinic. Open dots: your diary.</xsl:text>
      </figcaption>
    </figure>
    <table class="pt-table">
      <caption>Your <xsl:value-of select="@abbreviation"/> scores<xsl:if test="@baseline"> (start: <xsl:value-of select="@baseline"/>, 50% better: <xsl:value-of select="@half"/>)</xsl:if></caption>
      <thead><tr><th scope="col">Date</th><th scope="col">Score</th><th scope="col">Where</th></tr></thead>
      <tbody>
        <xsl:for-each select="point">
          <xsl:sort select="@date" order="descending"/>
          <tr>
            <th scope="row"><xsl:value-of select="@date"/></th>
            <td><xsl:value-of select="@score"/></td>
            <td><xsl:choose><xsl:when test="@by = 'you'">Your diary</xsl:when><xsl:otherwise>At the clinic</xsl:otherwise></xsl:choose></td>
          </tr>
        </xsl:for-each>
        <xsl:if test="not(point)"><tr><td colspan="3">No scores yet.</td></tr></xsl:if>
      </tbody>
    </table>
  </xsl:template>

  <!-- Where the patient is in the program, in plain words. -->
  <xsl:template match="where" mode="patient-where">
    <ul class="pt-facts">
      <li><span class="pt-k">Where you are</span> <span class="pt-v"><xsl:value-of select="@phase-label"/></span></li>
      <xsl:if test="@day"><li><span class="pt-k">Day of the program</span> <span class="pt-v"><xsl:value-of select="@day"/></span></li></xsl:if>
      <xsl:if test="@checkpoint-date">
        <li><span class="pt-k">Next check-in</span> <span class="pt-v"><xsl:choose><xsl:when test="@checkpoint-due = 'yes'">due now</xsl:when><xsl:otherwise><xsl:value-of select="@checkpoint-date"/></xsl:otherwise></xsl:choose></span></li>
      </xsl:if>
    </ul>
    <xsl:if test="@checkpoint-date">
      <p class="pt-question">At the check-in we will ask together: have we reached at least <xsl:value-of select="@threshold"/>% improvement in how you feel day to day?</p>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
