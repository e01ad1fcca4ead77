<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/chart.xsl - a patient's chart (GET /patients/{id}): episodes, and
  per instrument an inline SVG trajectory against the baseline and the 50%
  improvement line, with the observations in a table beneath it.

  View document (plugins/program/pages.c, program_page_chart):
    <chart href="/patients/12" new-observation="/patients/12/observations/new" truncated="yes"?>
      <patient id= identifier= name= gender= birth-date= href=/>
      <episode id= status= cohort= period-start= period-end=
               primary-instrument= primary-name=/>*
      <trajectory instrument= known="yes|no" name= abbreviation= direction=
                  min= max= best= worst= first= last= span= points=
                  baseline= baseline-from="timepoint|first" baseline-date=
                  improvement="defined|undefined" target=? target-text=?
                  y-min= y-max= x-max=>
        <y-tick value=/>*  <x-tick day=/>*
        <point id= episode= effective= day= timepoint= score=
               baseline="yes"? improvement=? reached="yes"?
               performer="patient"? error=?/>*   performer: a diary entry,
                                  reported by the patient; error: the form
                                  that marks it entered-in-error
      </trajectory>*
      <in-error id= instrument= effective= score=? reason=?/>*  (struck through)
      <sections slot="chart">...</sections>   what other plugins add
                                            (section-lib.xsl; episode 0)
    </chart>

  The chart is drawn in a fixed coordinate space (viewBox) and scales with
  the page.  It has a title and a description for screen readers; the
  table beneath carries every value, so nothing is only in the picture.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="svg">

  <xsl:import href="../layout.xsl"/>
  <xsl:include href="intake-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <!-- Chart geometry, in viewBox units: width, height, and the plot area's
       left, top, width and height.  The right margin holds the labels of
       the baseline and 50% lines. -->
  <xsl:variable name="W" select="760"/>
  <xsl:variable name="H" select="300"/>
  <xsl:variable name="L" select="56"/>
  <xsl:variable name="T" select="16"/>
  <xsl:variable name="PW" select="$W - $L - 140"/>
  <xsl:variable name="PH" select="$H - $T - 56"/>

  <xsl:template match="chart" mode="title">
    <xsl:value-of select="patient/@name"/>
  </xsl:template>

  <xsl:template match="chart" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small"><a href="/patients">Patients</a> /</p>
        <h1><xsl:value-of select="patient/@name"/></h1>
        <p class="muted">
          <xsl:text>Identifier </xsl:text>
          <xsl:value-of select="patient/@identifier"/>
          <xsl:if test="patient/@gender">
            <xsl:text> · </xsl:text>
            <xsl:value-of select="patient/@gender"/>
          </xsl:if>
          <xsl:if test="patient/@birth-date">
            <xsl:text> · born </xsl:text>
            <xsl:value-of select="patient/@birth-date"/>
          </xsl:if>
        </p>
      </div>
      <p class="actions no-print">
        <!-- A patient not yet in the care program (just created, or back
             after an ended episode): enrolment is the next step. -->
        <xsl:if test="$staff-role = 'clinician' and not(episode[@phase = 'enrolled' or @phase = 'introductory'
                      or @phase = 'first-month' or @phase = 'monthly'])">
          <a class="button" href="{patient/@href}/enrol">Enrol in the care program</a>
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:if test="$staff-role = 'clinician'">
          <a class="button" href="{@new-observation}">Record an observation</a>
        </xsl:if>
      </p>
    </div>

    <xsl:apply-templates select="intake" mode="from-intake"/>
    <xsl:apply-templates select="sections" mode="sections"/>
    <h2>Episodes of care</h2>
    <xsl:choose>
      <xsl:when test="episode">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Primary measure</th>
                <th scope="col">Program phase</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="episode">
                <tr>
                  <th scope="row"><xsl:value-of select="@cohort"/></th>
                  <td><xsl:value-of select="@status"/></td>
                  <td><xsl:value-of select="@period-start"/></td>
                  <td><xsl:value-of select="@period-end"/></td>
                  <td><xsl:value-of select="@primary-name"/></td>
                  <td>
                    <xsl:if test="@href">
                      <a href="{@href}"><xsl:value-of select="@phase-label"/></a>
                    </xsl:if>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <p class="muted">No episode of care has been opened.</p>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:if test="@truncated = 'yes'">
      <p class="panel">Only the first observations are shown: this patient
        has more than one chart can draw.</p>
    </xsl:if>

    <xsl:choose>
      <xsl:when test="trajectory">
        <xsl:apply-templates select="trajectory"/>
      </xsl:when>
      <xsl:when test="in-error"/>
      <xsl:otherwise>
        <h2>Outcome measures</h2>
        <p class="muted">No scored observations yet.
          <xsl:if test="$staff-role = 'clinician'">
            <a href="{@new-observation}">Record the baseline</a>.
          </xsl:if></p>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:if test="in-error">
      <h2>Entered in error</h2>
      <p class="muted small">Kept for the record and left out of every chart, figure and decision.</p>
      <ul class="in-error">
        <xsl:for-each select="in-error">
          <li>
            <del>
              <xsl:value-of select="@effective"/>
              <xsl:text> · </xsl:text><xsl:value-of select="@instrument"/>
              <xsl:if test="@score"><xsl:text> </xsl:text><xsl:value-of select="@score"/></xsl:if>
            </del>
            <xsl:if test="@reason"><span class="muted"> · reason: <xsl:value-of select="@reason"/></span></xsl:if>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- ================================================== one instrument -->

  <xsl:template match="trajectory">
    <section class="panel" aria-labelledby="h-{@instrument}">
      <h2 id="h-{@instrument}">
        <xsl:choose>
          <xsl:when test="@known = 'yes'"><xsl:value-of select="@abbreviation"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="@instrument"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <xsl:choose>
        <xsl:when test="@known = 'yes'">
          <p class="muted small">
            <xsl:value-of select="@name"/>
            <xsl:text> · </xsl:text>
            <xsl:call-template name="direction">
              <xsl:with-param name="direction" select="@direction"/>
            </xsl:call-template>
            <xsl:text> · best </xsl:text>
            <xsl:value-of select="@best"/>
            <xsl:text>, worst </xsl:text>
            <xsl:value-of select="@worst"/>
          </p>
          <xsl:apply-templates select="." mode="svg"/>
          <xsl:if test="mark[@kind = 'flare']">
            <ul class="small flares">
              <xsl:for-each select="mark[@kind = 'flare']">
                <li>
                  <xsl:value-of select="@label"/>
                  <xsl:text> from day </xsl:text><xsl:value-of select="@day"/>
                  <xsl:choose>
                    <xsl:when test="@response"><xsl:text>: response: </xsl:text><xsl:value-of select="@response"/></xsl:when>
                    <xsl:otherwise><span class="muted">: no response recorded yet</span></xsl:otherwise>
                  </xsl:choose>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <p class="muted">This instrument is no longer defined in the
            clinic's instrument file, so it is listed but not charted.</p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="." mode="table"/>
    </section>
  </xsl:template>

  <!-- The plot.  The y of a score v is
         format-number($T + ($ymax - v) div $yspan * $PH, '0.#')
       and the x of a day d
         format-number($L + d div $xmax * $PW, '0.#')
       written out where they are used (a named template per point cost
       more than the rest of the page), with the scale read once per
       trajectory. -->
  <xsl:template match="trajectory" mode="svg">
    <xsl:variable name="id" select="concat('chart-', @instrument)"/>
    <xsl:variable name="ymax" select="number(@y-max)"/>
    <xsl:variable name="yspan" select="$ymax - number(@y-min)"/>
    <xsl:variable name="xmax" select="number(@x-max)"/>
    <xsl:variable name="yb"
                  select="format-number($T + ($ymax - number(@baseline)) div $yspan * $PH, '0.#')"/>
    <!-- The 50% line's y; used only when improvement is defined. -->
    <xsl:variable name="yt"
                  select="format-number($T + ($ymax - number(@target)) div $yspan * $PH, '0.#')"/>
    <xsl:variable name="clinic" select="point[not(@performer)]"/>
    <xsl:variable name="last" select="($clinic | point[not($clinic)])[last()]"/>
    <figure class="chart">
      <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
           viewBox="0 0 {$W} {$H}" aria-labelledby="{$id}-title {$id}-desc">
        <title id="{$id}-title">
          <xsl:value-of select="@abbreviation"/>
          <xsl:text> over time for </xsl:text>
          <xsl:value-of select="/chart/patient/@name"/>
        </title>
        <desc id="{$id}-desc">
          <xsl:value-of select="count($clinic)"/>
          <xsl:text> observations at the clinic</xsl:text>
          <xsl:if test="point[@performer = 'patient']">
            <xsl:text> and </xsl:text>
            <xsl:value-of select="count(point[@performer = 'patient'])"/>
            <xsl:text> reported by the patient in the diary (open circles, counted apart)</xsl:text>
          </xsl:if>
          <xsl:text> from </xsl:text>
          <xsl:value-of select="@first"/>
          <xsl:text> to </xsl:text>
          <xsl:value-of select="@last"/>
          <xsl:text>. Baseline </xsl:text>
          <xsl:value-of select="@baseline"/>
          <xsl:text> on </xsl:text>
          <xsl:value-of select="@baseline-date"/>
          <xsl:text>. </xsl:text>
          <xsl:choose>
            <xsl:when test="@improvement = 'defined'">
              <xsl:text>50% improvement means reaching </xsl:text>
              <xsl:value-of select="@target-text"/>
              <xsl:text>. </xsl:text>
            </xsl:when>
            <xsl:otherwise>The baseline is already the best possible score, so improvement is undefined. </xsl:otherwise>
          </xsl:choose>
          <xsl:text>Latest score at the clinic </xsl:text>
          <xsl:value-of select="$last/@score"/>
          <xsl:text> on </xsl:text>
          <xsl:value-of select="$last/@effective"/>
          <xsl:if test="$last/@improvement">
            <xsl:text>, an improvement of </xsl:text>
            <xsl:call-template name="percent">
              <xsl:with-param name="fraction" select="$last/@improvement"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:text>. The scale is </xsl:text>
          <xsl:call-template name="direction">
            <xsl:with-param name="direction" select="@direction"/>
          </xsl:call-template>
          <xsl:text>.</xsl:text>
        </desc>

        <!-- value grid and labels -->
        <xsl:for-each select="y-tick">
          <xsl:variable name="y"
                        select="format-number($T + ($ymax - number(@value)) div $yspan * $PH, '0.#')"/>
          <line class="grid" x1="{$L}" x2="{$L + $PW}" y1="{$y}" y2="{$y}"/>
          <text class="tick-label" x="{$L - 8}" y="{$y + 4}" text-anchor="end">
            <xsl:value-of select="@value"/>
          </text>
        </xsl:for-each>

        <!-- time ticks and labels -->
        <xsl:for-each select="x-tick">
          <xsl:variable name="x"
                        select="format-number($L + number(@day) div $xmax * $PW, '0.#')"/>
          <line class="axis" x1="{$x}" x2="{$x}" y1="{$T + $PH}" y2="{$T + $PH + 5}"/>
          <text class="tick-label" x="{$x}" y="{$T + $PH + 19}" text-anchor="middle">
            <xsl:value-of select="@day"/>
          </text>
        </xsl:for-each>

        <!-- axes and their titles -->
        <line class="axis" x1="{$L}" x2="{$L + $PW}" y1="{$T + $PH}" y2="{$T + $PH}"/>
        <line class="axis" x1="{$L}" x2="{$L}" y1="{$T}" y2="{$T + $PH}"/>
        <text class="axis-title" x="{$L + $PW div 2}" y="{$H - 10}" text-anchor="middle">
          <xsl:text>Days since first observation (</xsl:text>
          <xsl:value-of select="@first"/>
          <xsl:text>)</xsl:text>
        </text>
        <text class="axis-title" text-anchor="middle"
              transform="translate(14 {$T + $PH div 2}) rotate(-90)">
          <xsl:value-of select="@abbreviation"/>
        </text>

        <!-- baseline and the 50% line; their labels move apart, each on
             its own side of its line, so they never overlap -->
        <xsl:variable name="defined" select="@improvement = 'defined'"/>
        <xsl:variable name="target-below" select="$defined and number($yt) &gt; number($yb)"/>
        <!-- Without a 50% line the baseline label sits above its line
             unless that would leave the plot. -->
        <xsl:variable name="base-above"
                      select="$target-below or (not($defined) and $yb - $T &gt; 14)"/>
        <xsl:if test="not(@change-rating)">
        <line class="baseline" x1="{$L}" x2="{$L + $PW}" y1="{$yb}" y2="{$yb}"/>
        <text class="baseline-label" x="{$L + $PW + 8}">
          <xsl:attribute name="y">
            <xsl:choose>
              <xsl:when test="$base-above"><xsl:value-of select="$yb - 4"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$yb + 13"/></xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
          <xsl:text>Baseline </xsl:text>
          <xsl:value-of select="@baseline"/>
        </text>
        </xsl:if>
        <xsl:if test="$defined">
          <line class="target" x1="{$L}" x2="{$L + $PW}" y1="{$yt}" y2="{$yt}"/>
          <!-- Two lines, on the side of the line away from the baseline. -->
          <xsl:variable name="ty">
            <xsl:choose>
              <xsl:when test="$target-below"><xsl:value-of select="$yt + 13"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$yt - 18"/></xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <text class="target-label" x="{$L + $PW + 8}" y="{$ty}">
            <xsl:text>50% improvement</xsl:text>
            <tspan x="{$L + $PW + 8}" dy="14">
              <xsl:value-of select="@target-text"/>
            </tspan>
          </text>
        </xsl:if>

        <!-- flares (shaded spans) and phase changes (dashed lines), on
             the same time axis; they never move the baseline -->
        <xsl:for-each select="mark">
          <xsl:variable name="mx1"
                        select="format-number($L + number(@day) div $xmax * $PW, '0.#')"/>
          <xsl:variable name="mx2"
                        select="format-number($L + number(@end-day) div $xmax * $PW, '0.#')"/>
          <xsl:choose>
            <xsl:when test="@kind = 'flare'">
              <rect class="flare" x="{$mx1}" y="{$T}" height="{$PH}"
                    width="{format-number(number($mx2) - number($mx1) + 3, '0.#')}">
                <title><xsl:value-of select="@label"/><xsl:if test="@response">: <xsl:value-of select="@response"/></xsl:if></title>
              </rect>
              <text class="flare-label" x="{$mx1}" y="{$T + $PH - 4}"><xsl:value-of select="@label"/></text>
            </xsl:when>
            <xsl:otherwise>
              <line class="phase-line" x1="{$mx1}" x2="{$mx1}" y1="{$T}" y2="{$T + $PH}">
                <title><xsl:value-of select="@label"/></title>
              </line>
              <text class="phase-label" x="{$mx1 + 3}" y="{$T + 10 + (position() mod 3) * 11}"><xsl:value-of select="@label"/></text>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>

        <!-- the trajectory -->
        <polyline class="trajectory">
          <xsl:attribute name="points">
            <xsl:for-each select="$clinic">
              <xsl:if test="position() != 1">
                <xsl:text> </xsl:text>
              </xsl:if>
              <xsl:value-of select="concat(format-number($L + number(@day) div $xmax * $PW, '0.#'), ',',
                                           format-number($T + ($ymax - number(@score)) div $yspan * $PH, '0.#'))"/>
            </xsl:for-each>
          </xsl:attribute>
        </polyline>
        <xsl:for-each select="point">
          <!-- class: "point", then " base" and " patient" when they
               apply (substring(s, 1, 0) is ''; a true test times n is n) -->
          <circle r="5"
                  class="point{substring(' base', 1, 5 * (@baseline = 'yes'))}{substring(' patient', 1, 8 * (@performer = 'patient'))}"
                  cx="{format-number($L + number(@day) div $xmax * $PW, '0.#')}"
                  cy="{format-number($T + ($ymax - number(@score)) div $yspan * $PH, '0.#')}">
            <title>
              <xsl:value-of select="@effective"/>
              <xsl:if test="@timepoint">
                <xsl:text> · </xsl:text>
                <xsl:value-of select="@timepoint"/>
              </xsl:if>
              <xsl:text> · </xsl:text>
              <xsl:value-of select="@score"/>
              <xsl:if test="@performer = 'patient'"> · reported by the patient</xsl:if>
            </title>
          </circle>
        </xsl:for-each>
      </svg>
      <figcaption>
        <ul class="legend">
          <li><span class="key"></span>Score</li>
          <xsl:if test="point[@performer = 'patient']">
            <li><span class="key patient"></span>Patient-reported (diary): not joined by the line, counted apart from the clinic's measurements</li>
          </xsl:if>
          <xsl:if test="mark[@kind = 'flare']">
            <li><span class="key flare"></span>Flare (never resets the baseline)</li>
          </xsl:if>
          <xsl:if test="mark[@kind = 'phase']">
            <li><span class="key phase"></span>Program phase change</li>
          </xsl:if>
          <li>
            <xsl:if test="@change-rating"><xsl:attribute name="hidden">hidden</xsl:attribute></xsl:if>
            <span class="key base"></span>
            <xsl:text>Baseline (</xsl:text>
            <xsl:choose>
              <xsl:when test="@baseline-from = 'timepoint'">the observation marked baseline</xsl:when>
              <xsl:otherwise>first observation; none is marked baseline</xsl:otherwise>
            </xsl:choose>
            <xsl:text>)</xsl:text>
          </li>
          <xsl:choose>
            <xsl:when test="@improvement = 'defined'">
              <li><span class="key target"></span>50% improvement from baseline toward the best score</li>
            </xsl:when>
            <xsl:when test="@change-rating">
              <li>A rating of change itself (PGIC): no baseline or 50% line.</li>
            </xsl:when>
            <xsl:otherwise>
              <li>No 50% line: the baseline is already the best score, so improvement is undefined.</li>
            </xsl:otherwise>
          </xsl:choose>
        </ul>
      </figcaption>
    </figure>
  </xsl:template>

  <xsl:template match="trajectory" mode="table">
    <div class="table-wrap">
      <table>
        <caption class="muted small">
          <xsl:text>Observations of </xsl:text>
          <xsl:choose>
            <xsl:when test="@known = 'yes'"><xsl:value-of select="@abbreviation"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="@instrument"/></xsl:otherwise>
          </xsl:choose>
        </caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col" class="num">Day</th>
            <th scope="col">Timepoint</th>
            <th scope="col" class="num">Score</th>
            <th scope="col" class="num">Improvement</th>
            <th scope="col"><span class="visually-hidden">50% reached</span></th>
            <th scope="col" class="no-print"><span class="visually-hidden">Correct</span></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="point">
            <tr>
              <th scope="row"><xsl:value-of select="@effective"/></th>
              <td class="num"><xsl:value-of select="@day"/></td>
              <td>
                <xsl:value-of select="@timepoint"/>
                <xsl:if test="@performer = 'patient'"><span class="badge">patient-reported</span></xsl:if>
              </td>
              <td class="num"><xsl:value-of select="@score"/></td>
              <td class="num">
                <xsl:choose>
                  <xsl:when test="@baseline = 'yes'"><span class="muted">baseline</span></xsl:when>
                  <xsl:when test="@improvement">
                    <!-- the percent template (layout.xsl), written out -->
                    <xsl:value-of select="format-number(@improvement, '0%;−0%', 'cairn')"/>
                  </xsl:when>
                  <xsl:when test="../@improvement = 'undefined'"><span class="muted">undefined</span></xsl:when>
                  <xsl:otherwise>—</xsl:otherwise>
                </xsl:choose>
              </td>
              <td>
                <xsl:if test="@reached = 'yes'">
                  <span class="badge good">≥ 50%</span>
                </xsl:if>
              </td>
              <td class="no-print">
                <xsl:if test="$staff-role = 'clinician'">
                <xsl:choose>
                <xsl:when test="@performer = 'patient'">
                  <form method="post" action="{@error}">
                    <xsl:call-template name="csrf-field"/>
                    <button type="submit" class="link">Mark entered in error</button>
                  </form>
                </xsl:when>
                <xsl:otherwise>
                <details class="correct">
                  <summary>Entered in error?</summary>
                  <form method="post" action="{/chart/@href}/observations/{@id}/error">
                    <xsl:call-template name="csrf-field"/>
                    <label for="reason-{@id}">Reason</label>
                    <input id="reason-{@id}" name="reason" type="text" maxlength="500" required="required"/>
                    <button type="submit">Mark as entered in error</button>
                  </form>
                </details>
                </xsl:otherwise>
                </xsl:choose>
                </xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>

</xsl:stylesheet>
