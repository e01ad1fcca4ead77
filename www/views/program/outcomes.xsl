<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/outcomes.xsl - the cohort report (GET /outcomes).

  View document (plugins/program/outcomes.c, program_page_outcomes):
    <outcomes benchmark="0.5" observations=>
      <group cohort= instrument= patients= known="yes|no" abbreviation=
             name= direction= best=>
        <source>citation</source>
        <timepoint name= baseline="yes"? n= mean= sd=? mean-day=
                   improvement-n= improvement-mean=? reached-share=?
                   reached= undefined= no-baseline=/>*
        <latest name="latest" (same attributes)/>?
      </group>*
    </outcomes>
  Figures come with four decimals; this view rounds them for people.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>
  <xsl:include href="evidence.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <xsl:template match="outcomes" mode="title">Outcomes by cohort</xsl:template>

  <xsl:template match="outcomes" mode="content">
    <div class="page-head">
      <div>
        <h1>Outcomes by cohort</h1>
        <p class="muted">
          <xsl:text>Each cohort’s scores at each timepoint, and how far each
            patient moved from their own baseline toward the best score.
            </xsl:text>
          <xsl:value-of select="format-number(@observations, '#,##0')"/>
          <xsl:text> scored observations.</xsl:text>
        </p>
      </div>
    </div>

    <xsl:choose>
      <xsl:when test="group">
        <xsl:apply-templates select="group"/>
      </xsl:when>
      <xsl:otherwise>
        <p class="panel muted">No observations at named timepoints yet.</p>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:apply-templates select="evidence" mode="clinic"/>
    <xsl:apply-templates select="sections" mode="sections"/>

    <h2>How these figures are computed</h2>
    <ul class="notes">
      <li><strong>Improvement</strong> of one patient at one timepoint is
        (baseline − score) ÷ (baseline − best score): the share of the way
        from their own baseline to the best score the instrument allows.
        100% is the best score reached, 0% no change, a negative value a
        worsening.  It works the same for scales where higher is better.</li>
      <li><strong>Baseline</strong> is the patient’s first observation of
        the same instrument, in the same cohort, whose timepoint is
        “baseline”.  Patients without one are counted in the scores but not
        in the improvement (column “No baseline”).</li>
      <li><strong>Latest follow-up</strong>: each patient’s latest observation
        dated after their baseline, whether or not it was given a timepoint,
        against the observation marked “baseline”, else the patient’s first
        observation (as on the chart).</li>
      <li><strong>Undefined</strong>: when a baseline already is the best
        score there is nothing to improve; such patients are reported here,
        never counted as 0% or 100%.</li>
      <li><strong>≥ 50%</strong> is the program’s benchmark; IMMPACT reads
        10–20% as minimal, 30% as moderate and 50% as substantial
        improvement (Dworkin RH et al. J Pain 2008;9:105–121).  The share
        is of the patients whose improvement is defined.</li>
      <xsl:if test="@patient-reported">
        <li><strong>Patient-reported</strong> diary entries (performer: the
          patient) are counted apart and not in these figures:
          <xsl:value-of select="@patient-reported"/> so far.</li>
      </xsl:if>
      <li><strong>SD</strong> is the sample standard deviation (n − 1).
        Timepoints are ordered by their mean distance in days from
        baseline.</li>
    </ul>
  </xsl:template>

  <xsl:template match="group">
    <section class="panel" aria-labelledby="g-{generate-id()}">
      <h2 id="g-{generate-id()}">
        <xsl:value-of select="@cohort"/>
        <xsl:text> · </xsl:text>
        <xsl:choose>
          <xsl:when test="@known = 'yes'"><xsl:value-of select="@abbreviation"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="@instrument"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <p class="muted small">
        <xsl:value-of select="@patients"/>
        <xsl:text> patients</xsl:text>
        <xsl:if test="@known = 'yes'">
          <xsl:text> · </xsl:text>
          <xsl:value-of select="@name"/>
          <xsl:text> · </xsl:text>
          <xsl:call-template name="direction">
            <xsl:with-param name="direction" select="@direction"/>
          </xsl:call-template>
          <xsl:text>, best score </xsl:text>
          <xsl:value-of select="@best"/>
        </xsl:if>
        <xsl:if test="@known = 'no'">
          <xsl:text> · this instrument is no longer defined, so improvement is not computed</xsl:text>
        </xsl:if>
      </p>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            <xsl:value-of select="@cohort"/>
            <xsl:text>, </xsl:text>
            <xsl:value-of select="@instrument"/>
            <xsl:text>: scores and improvement by timepoint</xsl:text>
          </caption>
          <thead>
            <tr>
              <th scope="col">Timepoint</th>
              <th scope="col" class="num">n</th>
              <th scope="col" class="num">Mean score</th>
              <th scope="col" class="num">SD</th>
              <th scope="col" class="num">Mean improvement</th>
              <th scope="col" class="num">Reached ≥ 50%</th>
              <th scope="col" class="num">Undefined</th>
              <th scope="col" class="num">No baseline</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="timepoint | latest">
              <tr>
                <th scope="row">
                  <xsl:choose>
                    <xsl:when test="self::latest">
                      <xsl:text>latest follow-up</xsl:text>
                    </xsl:when>
                    <xsl:otherwise>
                      <xsl:value-of select="@name"/>
                    </xsl:otherwise>
                  </xsl:choose>
                  <xsl:if test="not(@baseline) and number(@mean-day) = number(@mean-day)">
                    <span class="muted small">
                      <xsl:text> · day </xsl:text>
                      <xsl:value-of select="format-number(@mean-day, '0')"/>
                    </span>
                  </xsl:if>
                </th>
                <td class="num"><xsl:value-of select="@n"/></td>
                <!-- one-decimal and percent (layout.xsl), written out: a
                     template call per figure cost more than the figure -->
                <td class="num"><xsl:value-of select="format-number(@mean, '0.0;−0.0', 'cairn')"/></td>
                <td class="num"><xsl:value-of select="format-number(@sd, '0.0;−0.0', 'cairn')"/></td>
                <xsl:choose>
                  <xsl:when test="@baseline = 'yes'">
                    <td class="num muted" colspan="4">baseline</td>
                  </xsl:when>
                  <xsl:otherwise>
                    <td class="num"><xsl:value-of select="format-number(@improvement-mean, '0%;−0%', 'cairn')"/></td>
                    <td class="num">
                      <xsl:value-of select="@reached"/>
                      <xsl:if test="@reached-share">
                        <span class="muted">
                          <xsl:text> (</xsl:text>
                          <xsl:value-of select="format-number(@reached-share, '0%;−0%', 'cairn')"/>
                          <xsl:text>)</xsl:text>
                        </span>
                      </xsl:if>
                    </td>
                    <td class="num"><xsl:value-of select="@undefined"/></td>
                    <td class="num"><xsl:value-of select="@no-baseline"/></td>
                  </xsl:otherwise>
                </xsl:choose>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <xsl:if test="source">
        <p class="cite">
          <xsl:text>Source: </xsl:text>
          <xsl:value-of select="source"/>
        </p>
      </xsl:if>
    </section>
  </xsl:template>

</xsl:stylesheet>
