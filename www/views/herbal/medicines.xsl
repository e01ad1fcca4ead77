<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/medicines.xsl - the patient's medicines and pregnancy status
  (GET/POST /patients/P/herbal/medicines), read by every herbal check.
  View document: <herbal-medicines patient= rows=><form id="meds" ...>
  with values pregnancy, reason, version and medicine-1..rows.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="herbal-medicines" mode="title">Medicines</xsl:template>

  <xsl:template name="med-row">
    <xsl:param name="n" select="1"/>
    <xsl:param name="max"/>
    <xsl:param name="f"/>
    <xsl:variable name="nm" select="concat('medicine-', $n)"/>
    <li>
      <label class="visually-hidden" for="meds-{$nm}">Medicine <xsl:value-of select="$n"/></label>
      <xsl:for-each select="$f/error[@field = $nm]"><p class="field-error"><xsl:value-of select="."/></p></xsl:for-each>
      <input id="meds-{$nm}" name="{$nm}" type="text" maxlength="200" value="{$f/value[@name = $nm]}"/>
    </li>
    <xsl:if test="$n &lt; $max">
      <xsl:call-template name="med-row"><xsl:with-param name="n" select="$n + 1"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="f" select="$f"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="herbal-medicines" mode="content">
    <xsl:variable name="f" select="form"/>
    <h1>Medicines and pregnancy</h1>
    <p class="muted">Every herbal check reads this list. Name each medicine as the patient takes it ("warfarin 5 mg", "Eliquis"). Saving re-checks the patient's active prescriptions; any that became unsafe shows on the herbal alerts.</p>
    <xsl:if test="@from = 'intake'">
      <p class="flag-note" role="status">Filled in from the patient's intake questionnaire, which the checks read until
        this list is saved. Check it with the patient and save it.</p>
    </xsl:if>
    <!-- The front desk reads the list; saving it is a prescriber's. -->
    <xsl:if test="$staff-role = 'front-desk'">
      <dl>
        <dt>Pregnancy</dt><dd><xsl:value-of select="$f/value[@name = 'pregnancy']"/></dd>
        <dt>Medicines</dt>
        <dd>
          <xsl:for-each select="$f/value[starts-with(@name, 'medicine-')][. != '']">
            <xsl:if test="position() &gt; 1">; </xsl:if><xsl:value-of select="."/>
          </xsl:for-each>
          <xsl:if test="not($f/value[starts-with(@name, 'medicine-')][. != ''])">none recorded</xsl:if>
        </dd>
      </dl>
      <p class="muted">A clinician updates this list.</p>
    </xsl:if>
    <xsl:if test="$staff-role != 'front-desk'">
    <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$f"/></xsl:call-template>
    <form method="post" action="{$f/@action}">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="version" value="{$f/value[@name = 'version']}"/>
      <xsl:call-template name="form-select">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'pregnancy'"/>
        <xsl:with-param name="label" select="'Pregnancy'"/>
        <xsl:with-param name="list" select="'unknown|Not recorded;not-pregnant|Not pregnant;pregnant|Pregnant;possibly-pregnant|Possibly pregnant;breastfeeding|Breastfeeding;not-applicable|Not applicable'"/>
        <xsl:with-param name="required" select="true()"/>
      </xsl:call-template>
      <fieldset><legend>Medicines</legend>
        <ol><xsl:call-template name="med-row"><xsl:with-param name="max" select="number(@rows)"/><xsl:with-param name="f" select="$f"/></xsl:call-template></ol>
      </fieldset>
      <xsl:call-template name="form-text">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="name" select="'reason'"/>
        <xsl:with-param name="label" select="'What changed'"/>
      </xsl:call-template>
      <div class="actions"><button type="submit"><xsl:value-of select="$f/@submit"/></button></div>
    </form>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
