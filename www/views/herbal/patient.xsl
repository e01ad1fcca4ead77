<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/patient.xsl - a patient's herbs (GET /patients/P/herbal).

  View document (plugins/herbal/rx_pages.c):
    <herbal-patient>
      <patient id= name= pregnancy= medications=?><medicine/>*</patient>
      <prescription id= version= status= formula= kind= form= start= days=/>*
      <formula-choice id= pinyin=/>*
    </herbal-patient>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="herbal-patient" mode="title">Herbs</xsl:template>

  <xsl:template match="herbal-patient" mode="content">
    <xsl:variable name="p" select="patient"/>
    <div class="page-head">
      <div>
        <h1>Herbs<xsl:if test="$p/@name != ''">: <xsl:value-of select="$p/@name"/></xsl:if></h1>
        <p class="muted"><xsl:if test="$staff-role != 'front-desk'"><a href="/patients/{$p/@id}">Patient's page</a> · </xsl:if><a href="/herbs">Herb reference</a></p>
      </div>
    </div>
    <section class="panel" aria-labelledby="h-meds">
      <h2 id="h-meds">Medicines and pregnancy (read by every check)</h2>
      <xsl:if test="$p/@from = 'intake'"><p class="flag-note">From the intake questionnaire: not yet reviewed and saved here.</p></xsl:if>
      <p>Pregnancy: <strong><xsl:value-of select="translate($p/@pregnancy, '-', ' ')"/></strong></p>
      <xsl:choose>
        <xsl:when test="$p/medicine"><ul><xsl:for-each select="$p/medicine"><li><xsl:value-of select="."/></li></xsl:for-each></ul></xsl:when>
        <xsl:otherwise><p>No medicines recorded.</p></xsl:otherwise>
      </xsl:choose>
      <p><a href="/patients/{$p/@id}/herbal/medicines">Update medicines and pregnancy status</a></p>
    </section>
    <section class="panel" aria-labelledby="h-rx">
      <h2 id="h-rx">Prescriptions</h2>
      <xsl:choose>
        <xsl:when test="prescription">
          <table>
            <thead><tr><th scope="col">Start</th><th scope="col">Formula</th><th scope="col">Form</th><th scope="col">Days</th><th scope="col">Version</th><th scope="col">Status</th></tr></thead>
            <tbody>
              <xsl:for-each select="prescription">
                <tr><td><a href="/patients/{$p/@id}/herbal/prescriptions/{@id}"><xsl:value-of select="@start"/></a></td>
                  <td><xsl:value-of select="@formula"/> (<xsl:value-of select="@kind"/>)</td>
                  <td><xsl:value-of select="@form"/></td><td><xsl:value-of select="@days"/></td>
                  <td><xsl:value-of select="@version"/></td><td><xsl:value-of select="@status"/></td></tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise><p>No herbal prescription yet.</p></xsl:otherwise>
      </xsl:choose>
      <!-- Prescribing is a clinician's or the administrator's. -->
      <xsl:if test="$staff-role != 'front-desk'">
      <form method="get" action="/patients/{$p/@id}/herbal/prescribe" class="search">
        <div class="field">
          <label for="formula">Prescribe, starting from</label>
          <select id="formula" name="formula">
            <option value="">a custom prescription</option>
            <xsl:for-each select="formula-choice"><option value="{@id}"><xsl:value-of select="@pinyin"/></option></xsl:for-each>
          </select>
        </div>
        <button type="submit">Prescribe</button>
      </form>
      </xsl:if>
    </section>
  </xsl:template>
</xsl:stylesheet>
