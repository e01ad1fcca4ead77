<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/prescribe.xsl - the prescribing form (GET/POST
  /patients/P/herbal/prescribe, and .../prescriptions/ID/revise).

  View document (plugins/herbal/rx_form.c):
    <herbal-prescribe patient= prescription=? rows= verdict=? review=>
      <form id="rx" action= submit=> values, errors, fields (form-lib.xsl) </form>
      <finding row= severity="info|warning|block|refused" rule= src=?>
        <message/> <suggest chinese=>pinyin</suggest>*
      </finding>*          row 0: the whole prescription
      <formula-choice id= pinyin= chinese=/>*
    </herbal-prescribe>
  Herb rows are the values herb-N-name and herb-N-grams (N = 1..rows); each
  row's findings are shown beside it.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="herbal-prescribe" mode="title">
    <xsl:choose><xsl:when test="@prescription">Change prescription</xsl:when><xsl:otherwise>Prescribe herbs</xsl:otherwise></xsl:choose>
  </xsl:template>

  <xsl:template name="finding">
    <li class="finding finding-{@severity}" data-rule="{@rule}">
      <strong>
        <xsl:choose>
          <xsl:when test="@severity = 'refused'">Refused</xsl:when>
          <xsl:when test="@severity = 'block'">Blocked</xsl:when>
          <xsl:when test="@severity = 'warning'">Warning</xsl:when>
          <xsl:otherwise>Note</xsl:otherwise>
        </xsl:choose>
      </strong>
      <xsl:text>: </xsl:text><xsl:value-of select="message"/>
      <xsl:if test="@src and @src != 'not found'"><xsl:text> </xsl:text><span class="source">(source: <a href="/herbs#src-{@src}"><xsl:value-of select="@src"/></a>)</span></xsl:if>
    </li>
  </xsl:template>

  <xsl:template name="row">
    <xsl:param name="n" select="1"/>
    <xsl:param name="max"/>
    <xsl:variable name="f" select="form"/>
    <xsl:variable name="nm" select="concat('herb-', $n, '-name')"/>
    <xsl:variable name="gm" select="concat('herb-', $n, '-grams')"/>
    <tr>
      <xsl:if test="finding[@row = $n][@severity = 'refused' or @severity = 'block']"><xsl:attribute name="class">row-blocked</xsl:attribute></xsl:if>
      <th scope="row"><xsl:value-of select="$n"/></th>
      <td>
        <label class="visually-hidden" for="rx-{$nm}">Herb <xsl:value-of select="$n"/></label>
        <xsl:for-each select="$f/error[@field = $nm]"><p class="field-error"><xsl:value-of select="."/></p></xsl:for-each>
        <input id="rx-{$nm}" name="{$nm}" type="text" maxlength="200" value="{$f/value[@name = $nm]}"/>
      </td>
      <td>
        <label class="visually-hidden" for="rx-{$gm}">Grams a day, herb <xsl:value-of select="$n"/></label>
        <xsl:for-each select="$f/error[@field = $gm]"><p class="field-error"><xsl:value-of select="."/></p></xsl:for-each>
        <input id="rx-{$gm}" name="{$gm}" type="text" inputmode="decimal" size="6" value="{$f/value[@name = $gm]}"/>
      </td>
      <td class="findings">
        <xsl:if test="finding[@row = $n]">
          <ul><xsl:for-each select="finding[@row = $n]"><xsl:call-template name="finding"/></xsl:for-each></ul>
          <xsl:for-each select="finding[@row = $n][suggest]">
            <p class="small">Did you mean:
              <xsl:for-each select="suggest"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/> (<xsl:value-of select="@chinese"/>)</xsl:for-each>?</p>
          </xsl:for-each>
        </xsl:if>
      </td>
    </tr>
    <xsl:if test="$n &lt; $max">
      <xsl:call-template name="row">
        <xsl:with-param name="n" select="$n + 1"/>
        <xsl:with-param name="max" select="$max"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="herbal-prescribe" mode="content">
    <xsl:variable name="f" select="form"/>
    <div class="page-head">
      <div>
        <h1><xsl:apply-templates select="." mode="title"/></h1>
        <p class="muted"><a href="/patients/{@patient}/herbal">Back to the patient's herbs</a> ·
          <a href="/herbs">Herb reference</a></p>
      </div>
    </div>
    <xsl:if test="not(@prescription)">
      <form method="get" action="/patients/{@patient}/herbal/prescribe" class="no-print">
        <label for="start-formula">Start from a formula</label>
        <select id="start-formula" name="formula">
          <xsl:for-each select="formula-choice">
            <option value="{@id}"><xsl:if test="@id = $f/value[@name = 'formula']"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="@pinyin"/> (<xsl:value-of select="@chinese"/>)</option>
          </xsl:for-each>
        </select>
        <button type="submit">Load</button>
      </form>
    </xsl:if>
    <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$f"/></xsl:call-template>
    <xsl:if test="finding[@row = 0]">
      <ul class="findings"><xsl:for-each select="finding[@row = 0]"><xsl:call-template name="finding"/></xsl:for-each></ul>
    </xsl:if>
    <form method="post" action="{$f/@action}" class="prescribe">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="formula" value="{$f/value[@name = 'formula']}"/>
      <input type="hidden" name="version" value="{$f/value[@name = 'version']}"/>
      <input type="hidden" name="episode" value="{$f/value[@name = 'episode']}"/>
      <xsl:if test="$f/value[@name = 'formula'] != ''">
        <p>Formula: <strong><xsl:value-of select="formula-choice[@id = $f/value[@name = 'formula']]/@pinyin"/></strong>
          (classical as loaded; any change makes it modified)</p>
      </xsl:if>
      <table class="herbs">
        <caption>Herbs, grams a day</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Herb (pinyin, characters or Latin)</th><th scope="col">g a day</th><th scope="col">Checks</th></tr></thead>
        <tbody>
          <xsl:call-template name="row"><xsl:with-param name="max" select="number(@rows)"/></xsl:call-template>
        </tbody>
      </table>
      <xsl:call-template name="form-select">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'form'"/>
        <xsl:with-param name="label" select="'Form'"/>
        <xsl:with-param name="list" select="'raw|Raw herbs for decoction;granules|Granules;pills|Pills'"/>
        <xsl:with-param name="required" select="true()"/>
      </xsl:call-template>
      <xsl:call-template name="form-text">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'ratio'"/>
        <xsl:with-param name="label" select="'Granule ratio (raw herb : granules)'"/>
        <xsl:with-param name="hint" select="'5 for 5:1 granules; doses are converted to raw herb for the checks'"/>
        <xsl:with-param name="kind" select="'number'"/>
      </xsl:call-template>
      <xsl:call-template name="form-text">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'days'"/>
        <xsl:with-param name="label" select="'Days'"/>
        <xsl:with-param name="kind" select="'integer'"/>
        <xsl:with-param name="required" select="true()"/>
      </xsl:call-template>
      <xsl:call-template name="form-select">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'dosesPerDay'"/>
        <xsl:with-param name="label" select="'Doses a day'"/>
        <xsl:with-param name="hint" select="'How many times a day the patient takes the day&#8217;s herbs: the printed instructions and the weekly doses follow it'"/>
        <xsl:with-param name="list" select="'1|Once a day;2|Twice a day;3|3 times a day;4|4 times a day'"/>
        <xsl:with-param name="blank" select="''"/>
        <xsl:with-param name="required" select="true()"/>
      </xsl:call-template>
      <xsl:call-template name="form-text">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'startDate'"/>
        <xsl:with-param name="label" select="'Start date'"/>
        <xsl:with-param name="kind" select="'date'"/>
        <xsl:with-param name="required" select="true()"/>
      </xsl:call-template>
      <xsl:call-template name="form-text">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'instructions'"/>
        <xsl:with-param name="label" select="'Instructions for the patient'"/>
        <xsl:with-param name="kind" select="'textarea'"/>
        <xsl:with-param name="rows" select="3"/>
      </xsl:call-template>
      <xsl:if test="@prescription">
        <xsl:call-template name="form-text">
          <xsl:with-param name="form" select="$f"/>
          <xsl:with-param name="name" select="'reason'"/>
          <xsl:with-param name="label" select="'Reason for the change'"/>
          <xsl:with-param name="kind" select="'textarea'"/>
          <xsl:with-param name="rows" select="2"/>
          <xsl:with-param name="required" select="true()"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="finding[@severity = 'warning'] or $f/value[@name = 'acknowledged'] = 'yes'">
        <xsl:call-template name="form-checkbox">
          <xsl:with-param name="form" select="$f"/>
          <xsl:with-param name="name" select="'acknowledged'"/>
          <xsl:with-param name="label" select="'I have read the warnings'"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="finding[@severity = 'block'] or $f/value[@name = 'justification'] != ''">
        <xsl:call-template name="form-text">
          <xsl:with-param name="form" select="$f"/>
          <xsl:with-param name="name" select="'justification'"/>
          <xsl:with-param name="label" select="'Justification for overriding a block'"/>
          <xsl:with-param name="hint" select="'At least 20 characters; stored with the prescription and audited'"/>
          <xsl:with-param name="kind" select="'textarea'"/>
          <xsl:with-param name="rows" select="3"/>
        </xsl:call-template>
      </xsl:if>
      <div class="actions"><button type="submit"><xsl:value-of select="$f/@submit"/></button></div>
    </form>
  </xsl:template>
</xsl:stylesheet>
