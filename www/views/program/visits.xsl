<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/visits.xsl - one episode's visits as front desk works them
  (GET /patients/{p}/episodes/{e}/visits; plugins/program/desk.c): book or
  record a visit, mark a booked one attended or missed.  No clinical
  notes, goals or measures are in the document.
    <visits-page today= episode-href=?>
      <problem>message</problem>?
      <patient id= identifier= name= .../>
      <episode id= phase=? phase-label=? period-start=?/>
      <visit id= date= type= state=><attendance action= from=/>?</visit>*
      <form id="visit" .../>?
    </visits-page>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="visits-page" mode="title">
    <xsl:if test="problem or form/error">Not saved: </xsl:if>
    <xsl:text>Visits · </xsl:text>
    <xsl:value-of select="patient/@name"/>
  </xsl:template>

  <xsl:template name="visit-type">
    <xsl:choose>
      <xsl:when test="@type = 'needling'">Needling session</xsl:when>
      <xsl:when test="@type = 'herbal-review'">Herbal review</xsl:when>
      <xsl:when test="@type = 'exercise'">Exercise session</xsl:when>
      <xsl:otherwise>Other</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="visit-state">
    <xsl:choose>
      <xsl:when test="@state = 'finished'">attended</xsl:when>
      <xsl:when test="@state = 'planned'">booked</xsl:when>
      <xsl:when test="@state = 'missed'">missed</xsl:when>
      <xsl:otherwise>cancelled</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Attended" and "Missed" for a booked visit that is due. -->
  <xsl:template match="attendance">
    <form method="post" action="{@action}" class="inline">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="from" value="{@from}"/>
      <button type="submit" name="attended" value="yes">Attended</button>
      <xsl:text> </xsl:text>
      <button type="submit" name="attended" value="no" class="secondary">Missed</button>
    </form>
  </xsl:template>

  <xsl:template match="visits-page" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="/schedule">Schedule</a>
          <xsl:text> / </xsl:text>
          <a href="/patients">Patients</a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>
          <xsl:value-of select="patient/@name"/>
          <xsl:text>: visits</xsl:text>
        </h1>
        <p class="muted">
          <xsl:value-of select="patient/@identifier"/>
          <xsl:if test="episode/@phase-label">
            <xsl:text> · </xsl:text>
            <span class="badge phase-{episode/@phase}"><xsl:value-of select="episode/@phase-label"/></span>
          </xsl:if>
          <xsl:if test="episode/@period-start">
            <xsl:text> · since </xsl:text><xsl:value-of select="episode/@period-start"/>
          </xsl:if>
        </p>
      </div>
      <xsl:if test="@episode-href">
        <p class="actions no-print"><a class="button" href="{@episode-href}">Episode page</a></p>
      </xsl:if>
    </div>

    <xsl:if test="problem">
      <div class="error-summary" role="alert">
        <h2>Not done</h2>
        <ul><xsl:for-each select="problem"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
      </div>
    </xsl:if>

    <xsl:apply-templates select="form" mode="form"/>

    <h2>Visits</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="no-print">Record</th></tr>
        </thead>
        <tbody>
          <xsl:for-each select="visit">
            <tr>
              <th scope="row">
                <xsl:value-of select="@date"/>
                <xsl:if test="@date = /visits-page/@today"> <span class="badge">today</span></xsl:if>
              </th>
              <td><xsl:call-template name="visit-type"/></td>
              <td><xsl:call-template name="visit-state"/></td>
              <td class="no-print"><xsl:apply-templates select="attendance"/></td>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(visit)">
            <tr><td class="empty" colspan="4">No visits yet.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
  </xsl:template>
</xsl:stylesheet>
