<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/prescription.xsl - one prescription (GET .../prescriptions/ID):
  herbs with grams (raw-herb grams for granules), what was overridden when
  it was saved, today's check against the patient's current medicines and
  pregnancy status, the history of changes, and stop.

  View document (plugins/herbal/rx_pages.c):
    <herbal-prescription doses-per-day=>   the prescription's, 2 when it has none
      <patient id= name= pregnancy=><medicine/>*</patient>
      <record id= version= status= author= time=><h:Prescription>...</h:Prescription></record>
      <formula pinyin= chinese=/>?   the formula started from
      <line n= pinyin= chinese=? latin=? grams= per-dose= raw=? total=/>*
      <today verdict=><finding>rule severity line herb source message</finding>*</today>?
    </herbal-prescription>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:h="urn:cairn:herbal" exclude-result-prefixes="h">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="take-lib.xsl"/>

  <xsl:template match="herbal-prescription" mode="title">Prescription</xsl:template>

  <xsl:template match="herbal-prescription" mode="content">
    <xsl:variable name="p" select="patient"/>
    <xsl:variable name="rx" select="record/h:Prescription"/>
    <xsl:variable name="base" select="concat('/patients/', $p/@id, '/herbal/prescriptions/', record/@id)"/>
    <div class="page-head">
      <div>
        <h1>Prescription<xsl:if test="$p/@name != ''"> for <xsl:value-of select="$p/@name"/></xsl:if></h1>
        <p class="muted">Version <xsl:value-of select="record/@version"/> · <xsl:value-of select="record/@status"/> ·
          <a href="/patients/{$p/@id}/herbal">all herbs of this patient</a></p>
      </div>
    </div>
    <p class="actions no-print">
      <a href="{$base}/instructions">Patient instructions (print)</a> ·
      <a href="{$base}/dispensing">Dispensing sheet (print)</a>
      <xsl:if test="record/@status = 'active' and $staff-role != 'front-desk'"> · <a href="{$base}/revise">Change</a></xsl:if>
    </p>
    <xsl:if test="today/finding[severity = 'block' or severity = 'refused']">
      <section class="panel flag-note" role="alert">
        <h2>Checked today against the current medicines and pregnancy status</h2>
        <ul><xsl:for-each select="today/finding[severity != 'info']"><li><strong><xsl:value-of select="severity"/></strong>: <xsl:value-of select="message"/></li></xsl:for-each></ul>
      </section>
    </xsl:if>
    <section class="panel">
      <h2>Herbs</h2>
      <p>Formula: <xsl:value-of select="formula/@pinyin"/><xsl:if test="not(formula)">custom</xsl:if>
        (<xsl:value-of select="$rx/h:formula/@kind"/>) · form: <xsl:value-of select="$rx/h:form"/>
        <xsl:if test="$rx/h:ratio"> <xsl:value-of select="$rx/h:ratio"/>:1</xsl:if>
        · <xsl:call-template name="times-a-day"><xsl:with-param name="n" select="@doses-per-day"/></xsl:call-template>
        · <xsl:value-of select="$rx/h:days"/> days from <xsl:value-of select="$rx/h:startDate"/>
        · prescriber <xsl:value-of select="$rx/h:prescriber"/></p>
      <table>
        <thead><tr><th scope="col">Herb</th><th scope="col">g a day</th><xsl:if test="line/@raw"><th scope="col">raw herb g a day</th></xsl:if><th scope="col">Saved with</th></tr></thead>
        <tbody>
          <xsl:for-each select="line">
            <xsl:variable name="i" select="@n - 1"/>
            <tr><td><xsl:value-of select="@pinyin"/><xsl:if test="@chinese"> (<xsl:value-of select="@chinese"/>)</xsl:if></td>
              <td><xsl:value-of select="@grams"/></td>
              <xsl:if test="../line/@raw"><td><xsl:value-of select="@raw"/></td></xsl:if>
              <td><xsl:for-each select="$rx/h:finding[h:line = $i][h:severity != 'info']"><xsl:if test="position() &gt; 1"><br/></xsl:if><xsl:value-of select="h:severity"/>: <xsl:value-of select="h:message"/></xsl:for-each></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
      <xsl:if test="$rx/h:justification"><p>Override justification: <xsl:value-of select="$rx/h:justification"/></p></xsl:if>
      <xsl:if test="$rx/h:stopped"><p><strong>Stopped</strong><xsl:text> </xsl:text><xsl:value-of select="$rx/h:stopped/h:date"/>: <xsl:value-of select="$rx/h:stopped/h:reason"/></p></xsl:if>
    </section>
    <section class="panel">
      <h2>Adherence and adverse effects</h2>
      <xsl:choose>
        <xsl:when test="adherence">
          <p>Doses taken:
            <xsl:for-each select="adherence"><xsl:if test="position() &gt; 1">; </xsl:if>week of <xsl:value-of select="@week"/>: <xsl:value-of select="@taken"/> of <xsl:value-of select="@prescribed"/></xsl:for-each></p>
        </xsl:when>
        <xsl:otherwise><p>No adherence recorded.</p></xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="adverse">
          <ul><xsl:for-each select="adverse"><li><xsl:value-of select="@date"/>: <xsl:value-of select="what"/> (<xsl:value-of select="@severity"/>; herbs: <xsl:value-of select="@action"/>)</li></xsl:for-each></ul>
        </xsl:when>
        <xsl:otherwise><p>No adverse effect recorded.</p></xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$staff-role != 'front-desk'">
        <p class="no-print"><a href="{$base}/adherence">Record adherence</a> · <a href="{$base}/adverse">Record an adverse effect</a></p>
      </xsl:if>
    </section>
    <section class="panel" id="refills">
      <h2>Refills</h2>
      <xsl:if test="refill">
        <ul><xsl:for-each select="refill"><li><xsl:value-of select="@date"/>: <xsl:value-of select="@days"/> days supplied</li></xsl:for-each></ul>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$rx/h:stopped"><p>Stopped: no refill.</p></xsl:when>
        <xsl:otherwise>
          <p>The supply runs out on <strong><xsl:value-of select="supply/@runs-out"/></strong>: the next refill is due then.</p>
          <xsl:if test="$staff-role != 'front-desk'">
            <p class="no-print"><a href="{$base}/refill">Record a refill</a></p>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </section>
    <section class="panel">
      <h2>History</h2>
      <ul>
        <li>Version 1: prescribed<xsl:if test="not($rx/h:change)"> <xsl:value-of select="$rx/h:startDate"/></xsl:if>.</li>
        <xsl:for-each select="$rx/h:change">
          <li>Version <xsl:value-of select="h:version"/>, <xsl:value-of select="h:date"/>, <xsl:value-of select="h:by"/>:
            <xsl:value-of select="h:what"/>. Reason: <xsl:value-of select="h:reason"/></li>
        </xsl:for-each>
      </ul>
    </section>
    <xsl:if test="record/@status = 'active' and $staff-role != 'front-desk'">
      <form method="post" action="{$base}/stop" class="no-print">
        <xsl:call-template name="csrf-field"/>
        <label for="stop-reason">Stop this prescription: reason</label>
        <input id="stop-reason" name="reason" type="text" maxlength="200"/>
        <button type="submit">Stop</button>
      </form>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
