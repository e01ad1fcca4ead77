<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/checkpoint.xsl - the checkpoint decision page
  (GET /patients/{p}/episodes/{e}/checkpoint; plugins/program/checkpoint.c).

  View document:
    <checkpoint-page kind="introductory|first-month" today= threshold="0.50" early="yes"? (before the due day)
                     due= overdue= is-overdue="yes"?>
      <patient/> <episode .../>
      <measure instrument= abbreviation= name= best= baseline= baseline-date=
               latest=? latest-date=? improvement=? improvement-undefined=?
               y-min= y-max= x-max= threshold-score=>
        <point date= day= score= baseline="yes"? improvement=?/>*
        <phase-mark day= date= label=/>*  (the episode's moves on the axis)
        <flare start-day= end-day= severity= start=/>*
      </measure>
      <pgic date= score= meaning=/>?
      <visits phase-planned= phase-needling= program-planned= program-needling=/>
      <recommendation action="continue|exit|record" text=/>
      <form id="move"/> <form id="exit"/>
    </checkpoint-page>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="program-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>
  <xsl:include href="evidence.xsl"/>

  <xsl:variable name="W" select="720"/>
  <xsl:variable name="H" select="280"/>
  <xsl:variable name="L" select="50"/>
  <xsl:variable name="T" select="16"/>
  <xsl:variable name="PW" select="520"/>
  <xsl:variable name="PH" select="220"/>
  <xsl:variable name="m" select="/checkpoint-page/measure"/>

  <xsl:template name="cy">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number($T + $PH - ($v - number($m/@y-min)) div (number($m/@y-max) - number($m/@y-min)) * $PH, '0.#')"/>
  </xsl:template>
  <xsl:template name="cx">
    <xsl:param name="d"/>
    <xsl:value-of select="format-number($L + $d div number($m/@x-max) * $PW, '0.#')"/>
  </xsl:template>

  <xsl:template match="checkpoint-page" mode="title">
    <xsl:if test=".//form/error">Not saved: </xsl:if>
    <xsl:text>Checkpoint: </xsl:text>
    <xsl:value-of select="patient/@name"/>
  </xsl:template>

  <xsl:template match="checkpoint-page" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="/patients">Patients</a>
          <xsl:text> / </xsl:text>
          <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          <xsl:text> / </xsl:text>
          <a href="{episode/@href}">Episode <xsl:value-of select="episode/@id"/></a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>
          <xsl:choose>
            <xsl:when test="@kind = 'introductory'">End of the introductory phase: is there a meaningful response?</xsl:when>
            <xsl:otherwise>First-month benchmark: 50% improvement from baseline?</xsl:otherwise>
          </xsl:choose>
        </h1>
        <p class="muted">
          <xsl:value-of select="patient/@name"/>
          <xsl:text> · due </xsl:text><xsl:value-of select="@due"/>
          <xsl:text> · overdue after </xsl:text><xsl:value-of select="@overdue"/>
          <xsl:if test="@is-overdue = 'yes'"> · <strong>overdue</strong></xsl:if>
        </p>
      </div>
    </div>

    <div class="recommendation rec-{recommendation/@action}" role="status">
      <h2>Recommendation</h2>
      <p><xsl:value-of select="recommendation/@text"/></p>
    </div>
    <xsl:apply-templates select="evidence" mode="beside"/>
    <xsl:apply-templates select="sections" mode="sections"/>

    <dl class="stats">
      <div>
        <dt>Baseline <xsl:value-of select="$m/@abbreviation"/></dt>
        <dd><xsl:value-of select="$m/@baseline"/></dd>
      </div>
      <div>
        <dt>Latest</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="$m/@latest"><xsl:value-of select="$m/@latest"/></xsl:when>
            <xsl:otherwise>none yet</xsl:otherwise>
          </xsl:choose>
        </dd>
      </div>
      <div>
        <dt>Improvement (threshold <xsl:call-template name="pct"><xsl:with-param name="v" select="@threshold"/></xsl:call-template>)</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="$m/@improvement"><xsl:call-template name="pct"><xsl:with-param name="v" select="$m/@improvement"/></xsl:call-template></xsl:when>
            <xsl:when test="$m/@improvement-undefined">undefined</xsl:when>
            <xsl:otherwise>not yet measured</xsl:otherwise>
          </xsl:choose>
        </dd>
      </div>
      <div>
        <dt>PGIC</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="pgic"><xsl:value-of select="pgic/@score"/><span class="small"> (<xsl:value-of select="pgic/@meaning"/>)</span></xsl:when>
            <xsl:otherwise>not recorded</xsl:otherwise>
          </xsl:choose>
        </dd>
      </div>
      <div>
        <dt>Needling this phase</dt>
        <dd><xsl:value-of select="visits/@phase-needling"/> of <xsl:value-of select="visits/@phase-planned"/> planned</dd>
      </div>
    </dl>

    <xsl:if test="$m/point">
      <figure class="chart">
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {$W} {$H}" aria-labelledby="cp-title">
          <title id="cp-title">
            <xsl:value-of select="$m/@abbreviation"/>
            <xsl:text> from baseline </xsl:text><xsl:value-of select="$m/@baseline"/>
            <xsl:text>; threshold line at </xsl:text><xsl:value-of select="$m/@threshold-score"/>
          </title>
          <xsl:for-each select="$m/flare">
            <xsl:variable name="x1"><xsl:call-template name="cx"><xsl:with-param name="d" select="number(@start-day)"/></xsl:call-template></xsl:variable>
            <xsl:variable name="x2"><xsl:call-template name="cx"><xsl:with-param name="d" select="number(@end-day)"/></xsl:call-template></xsl:variable>
            <rect class="flare" x="{$x1}" y="{$T}" height="{$PH}">
              <xsl:attribute name="width"><xsl:value-of select="format-number(number($x2) - number($x1) + 3, '0.#')"/></xsl:attribute>
              <title><xsl:value-of select="@severity"/> flare from <xsl:value-of select="@start"/></title>
            </rect>
            <text class="flare-label" x="{$x1}" y="{$T + 12}"><xsl:value-of select="@severity"/> flare</text>
          </xsl:for-each>
          <xsl:for-each select="$m/phase-mark">
            <xsl:variable name="px"><xsl:call-template name="cx"><xsl:with-param name="d" select="number(@day)"/></xsl:call-template></xsl:variable>
            <line class="phase-line" x1="{$px}" x2="{$px}" y1="{$T}" y2="{$T + $PH}">
              <title><xsl:value-of select="@label"/> from <xsl:value-of select="@date"/></title>
            </line>
            <text class="phase-label" x="{$px + 3}" y="{$T + 10 + (position() mod 3) * 11}"><xsl:value-of select="@label"/></text>
          </xsl:for-each>
          <line class="axis" x1="{$L}" x2="{$L + $PW}" y1="{$T + $PH}" y2="{$T + $PH}"/>
          <line class="axis" x1="{$L}" x2="{$L}" y1="{$T}" y2="{$T + $PH}"/>
          <text class="tick-label" x="{$L - 6}" y="{$T + 4}" text-anchor="end"><xsl:value-of select="format-number($m/@y-max, '0.#')"/></text>
          <text class="tick-label" x="{$L - 6}" y="{$T + $PH}" text-anchor="end"><xsl:value-of select="format-number($m/@y-min, '0.#')"/></text>
          <text class="tick-label" x="{$L}" y="{$T + $PH + 18}">day 0</text>
          <text class="tick-label" x="{$L + $PW}" y="{$T + $PH + 18}" text-anchor="end">day <xsl:value-of select="$m/@x-max"/></text>
          <xsl:variable name="yb"><xsl:call-template name="cy"><xsl:with-param name="v" select="number($m/@baseline)"/></xsl:call-template></xsl:variable>
          <xsl:variable name="yt"><xsl:call-template name="cy"><xsl:with-param name="v" select="number($m/@threshold-score)"/></xsl:call-template></xsl:variable>
          <line class="baseline" x1="{$L}" x2="{$L + $PW}" y1="{$yb}" y2="{$yb}"/>
          <text class="baseline-label" x="{$L + $PW + 8}" y="{$yb + 4}">Baseline <xsl:value-of select="$m/@baseline"/></text>
          <line class="target" x1="{$L}" x2="{$L + $PW}" y1="{$yt}" y2="{$yt}"/>
          <text class="target-label" x="{$L + $PW + 8}" y="{$yt + 4}">Threshold <xsl:call-template name="pct"><xsl:with-param name="v" select="@threshold"/></xsl:call-template></text>
          <polyline class="trajectory">
            <xsl:attribute name="points">
              <xsl:for-each select="$m/point">
                <xsl:call-template name="cx"><xsl:with-param name="d" select="number(@day)"/></xsl:call-template>
                <xsl:text>,</xsl:text>
                <xsl:call-template name="cy"><xsl:with-param name="v" select="number(@score)"/></xsl:call-template>
                <xsl:text> </xsl:text>
              </xsl:for-each>
            </xsl:attribute>
          </polyline>
          <xsl:for-each select="$m/point">
            <circle r="5">
              <xsl:attribute name="class">point<xsl:if test="@baseline = 'yes'"> base</xsl:if></xsl:attribute>
              <xsl:attribute name="cx"><xsl:call-template name="cx"><xsl:with-param name="d" select="number(@day)"/></xsl:call-template></xsl:attribute>
              <xsl:attribute name="cy"><xsl:call-template name="cy"><xsl:with-param name="v" select="number(@score)"/></xsl:call-template></xsl:attribute>
              <title><xsl:value-of select="@date"/> · <xsl:value-of select="@score"/></title>
            </circle>
          </xsl:for-each>
        </svg>
        <figcaption class="small muted">
          <xsl:value-of select="$m/@name"/>
          <xsl:text>: the baseline line, the threshold line, the phases (dashed) and flares shaded. Flares never move the baseline.</xsl:text>
        </figcaption>
      </figure>
      <div class="table-wrap">
        <table class="small">
          <thead><tr><th scope="col">Date</th><th scope="col" class="num">Score</th><th scope="col" class="num">Improvement</th></tr></thead>
          <tbody>
            <xsl:for-each select="$m/point">
              <tr>
                <th scope="row"><xsl:value-of select="@date"/></th>
                <td class="num"><xsl:value-of select="@score"/></td>
                <td class="num">
                  <xsl:choose>
                    <xsl:when test="@baseline = 'yes'">baseline</xsl:when>
                    <xsl:when test="@improvement"><xsl:call-template name="pct"><xsl:with-param name="v" select="@improvement"/></xsl:call-template></xsl:when>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>

    <h2>Decision</h2>
    <p class="muted">Continue or exit: both are honest outcomes, recorded with the data above.</p>
    <xsl:if test="@early = 'yes'">
      <p class="notice">This checkpoint is not due until <xsl:value-of select="@due"/>: moving on before then needs a written clinical justification for the early move. Exit is possible at any time.</p>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="$staff-role = 'clinician'">
        <div class="form-grid">
          <xsl:for-each select="form">
            <section class="panel"><xsl:apply-templates select="." mode="form"/></section>
          </xsl:for-each>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">A clinician records the decision.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
