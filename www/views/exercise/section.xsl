<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/section.xsl - an episode's exercise progression
  (plugins/exercise/section.c).

    <exercise-section today=>
      <patient id= name= href=/> <episode id= phase= href= exercise-href=/>
      <stage code= label= since= next-label=?/>
      <gate open="yes|no" run= needed= why=/>
      <start phase= gains-held="yes|no"/>
      <next>the next step in words</next>
      <changes><change date= from= to= kind= reason=? gate=?/>*</changes>
      <sessions><session id= date= stage= pain= next-morning= inside= morning-href=>
        <done exercise= name=><dose .../></done>* <notes/>?</session>*</sessions>
      <loads><exercise id= name= why= ups= backs=>
        <point date= day= pain=><dose .../></point>* <next><dose .../></next>
      </exercise>*</loads>
      <mastery needed=><exercise id= name= stage= inside= mastered=/>*</mastery>
      <routine since= reviewed= version= weeks= handout-href=/>?
      <links session-new= routine= library=/>
      <tools><tool id= name=/>*</tools>
      <form id="stage" .../>?        the start or move-on form (form-lib.xsl)
    </exercise-section>
  Each load chart plots the work of every session (sets x reps x load in
  kg; sets x reps at body weight) and the next level, dashed.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="svg">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-section" mode="title">Exercise: <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="exercise-section" mode="content">
    <xsl:call-template name="exercise-css"/>
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          <xsl:text> / </xsl:text>
          <a href="{episode/@href}">Episode <xsl:value-of select="episode/@id"/></a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>Exercise progression</h1>
      </div>
      <p class="actions no-print">
        <!-- Recording is a clinician's (the routes say so): the
             administrator reads the progression. -->
        <xsl:if test="stage/@code != 'not-started' and $staff-role = 'clinician'">
          <a class="button" href="{links/@session-new}">Record a session</a>
        </xsl:if>
        <xsl:if test="routine"><a class="button" href="{routine/@handout-href}">Handout</a></xsl:if>
        <a class="button" href="{links/@library}">Library</a>
      </p>
    </div>

    <ol class="ex-stages" aria-label="Stages">
      <xsl:call-template name="stage-step"><xsl:with-param name="code" select="'corrective'"/><xsl:with-param name="label" select="'Corrective exercise'"/></xsl:call-template>
      <xsl:call-template name="stage-step"><xsl:with-param name="code" select="'qigong'"/><xsl:with-param name="label" select="'Qi gong'"/></xsl:call-template>
      <xsl:call-template name="stage-step"><xsl:with-param name="code" select="'loading'"/><xsl:with-param name="label" select="'Progressive loading'"/></xsl:call-template>
    </ol>

    <section class="panel ex-status" id="status">
      <h2>Stage: <span class="ex-stage"><xsl:value-of select="stage/@label"/></span>
        <xsl:if test="stage/@since != ''"><span class="muted"> since <xsl:value-of select="stage/@since"/></span></xsl:if></h2>
      <p class="ex-gate ex-gate-{gate/@open}">
        <strong>
          <xsl:choose>
            <xsl:when test="gate/@open = 'yes'">Gate open: </xsl:when>
            <xsl:when test="stage/@code = 'loading'">Last stage: </xsl:when>
            <xsl:otherwise>Gate closed: </xsl:otherwise>
          </xsl:choose>
        </strong>
        <xsl:value-of select="gate/@why"/>.
        <xsl:if test="stage/@code != 'not-started' and stage/@code != 'loading'">
          <span class="muted"> (<xsl:value-of select="gate/@run"/> of <xsl:value-of select="gate/@needed"/> sessions in a row inside the pain-monitoring model)</span>
        </xsl:if>
      </p>
      <p><strong>Next step: </strong><span class="ex-next"><xsl:value-of select="next"/></span></p>
      <xsl:if test="stage/@code = 'not-started'">
        <p class="muted">Programme phase: <xsl:value-of select="start/@phase"/>;
          gains held: <xsl:value-of select="start/@gains-held"/>.</p>
      </xsl:if>
      <xsl:if test="$staff-role = 'clinician'"><xsl:apply-templates select="form" mode="form"/></xsl:if>
    </section>

    <xsl:if test="loads/exercise">
      <h2>Loads</h2>
      <!-- A chart for each exercise done; the library's others in one
           line with their starting dose (a wall of empty charts hid the
           two that mattered). -->
      <div class="ex-charts">
        <xsl:for-each select="loads/exercise[point]">
          <figure class="chart ex-load" id="load-{@id}">
            <figcaption><strong><xsl:value-of select="@name"/></strong>:
              next <xsl:value-of select="next/dose/@text"/>
              <span class="muted"> (<xsl:value-of select="@why"/>)</span></figcaption>
            <xsl:apply-templates select="." mode="chart"/>
          </figure>
        </xsl:for-each>
      </div>
      <xsl:if test="loads/exercise[not(point)]">
        <p class="muted small">
          <xsl:choose>
            <xsl:when test="loads/exercise[point]">Not done yet, each at the library's starting dose: </xsl:when>
            <xsl:otherwise>No loading session yet; each starts at the library's dose: </xsl:otherwise>
          </xsl:choose>
          <xsl:for-each select="loads/exercise[not(point)]">
            <xsl:if test="position() &gt; 1">; </xsl:if>
            <xsl:value-of select="@name"/><xsl:text> </xsl:text><xsl:value-of select="next/dose/@text"/>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:if>
    </xsl:if>

    <h2>Sessions</h2>
    <xsl:choose>
      <xsl:when test="sessions/session">
        <div class="table-wrap">
          <table class="small">
            <thead><tr><th scope="col">Date</th><th scope="col">Stage</th><th scope="col">Exercises</th>
              <th scope="col" class="num">Pain</th><th scope="col">Next morning</th><th scope="col">Inside the model</th></tr></thead>
            <tbody>
              <xsl:for-each select="sessions/session">
                <tr>
                  <td><xsl:value-of select="@date"/></td>
                  <td><xsl:value-of select="@stage"/></td>
                  <td><xsl:for-each select="done"><xsl:if test="position() &gt; 1">; </xsl:if><xsl:value-of select="@name"/><xsl:text> </xsl:text><span class="muted"><xsl:value-of select="dose/@text"/></span></xsl:for-each></td>
                  <td class="num"><xsl:value-of select="@pain"/>/10</td>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@next-morning != ''"><xsl:value-of select="@next-morning"/></xsl:when>
                      <xsl:when test="$staff-role != 'clinician'"><span class="muted">not known yet</span></xsl:when>
                      <xsl:otherwise>
                        <form method="post" action="{@morning-href}" class="inline">
                          <xsl:call-template name="csrf-field"/>
                          <label class="visually-hidden" for="m-{@id}">Next morning after <xsl:value-of select="@date"/></label>
                          <select name="nextMorning" id="m-{@id}">
                            <option value="better">better</option>
                            <option value="same" selected="selected">same</option>
                            <option value="worse">worse</option>
                          </select>
                          <xsl:text> </xsl:text>
                          <button type="submit">Save</button>
                        </form>
                      </xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:value-of select="@inside"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">No session recorded yet.</p></xsl:otherwise>
    </xsl:choose>

    <h2>Home routine</h2>
    <xsl:choose>
      <xsl:when test="routine">
        <p class="ex-routine">The home routine exists since <strong><xsl:value-of select="routine/@since"/></strong>
          and has been practised for <strong><xsl:value-of select="routine/@weeks"/></strong> weeks
          (version <xsl:value-of select="routine/@version"/>, reviewed <xsl:value-of select="routine/@reviewed"/>).
          <a href="{routine/@handout-href}">The handout</a>.</p>
      </xsl:when>
      <xsl:otherwise><p class="muted">No home routine yet: it is built from what is mastered.</p></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="mastery/exercise">
      <div class="table-wrap">
        <table class="small">
          <thead><tr><th scope="col">Exercise</th><th scope="col">Stage</th>
            <th scope="col" class="num">Sessions inside the model</th><th scope="col">Mastered</th></tr></thead>
          <tbody>
            <xsl:for-each select="mastery/exercise">
              <tr><td><xsl:value-of select="@name"/></td><td><xsl:value-of select="@stage"/></td>
                <td class="num"><xsl:value-of select="@inside"/> of <xsl:value-of select="../@needed"/></td>
                <td><xsl:value-of select="@mastered"/></td></tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>
    <xsl:if test="mastery/exercise[@mastered = 'yes'] and $staff-role = 'clinician'">
      <form method="post" action="{links/@routine}" class="panel no-print" id="routine-form">
        <xsl:call-template name="csrf-field"/>
        <fieldset>
          <legend>Review the home routine: the mastered exercises, plus these tools</legend>
          <xsl:for-each select="tools/tool">
            <p class="field"><label><input type="checkbox" name="tool-{@id}" value="yes" checked="checked"/>
              <xsl:text> </xsl:text><xsl:value-of select="@name"/></label></p>
          </xsl:for-each>
          <p class="field"><label for="routine-note">Note for the patient</label>
            <textarea id="routine-note" name="note" rows="2" maxlength="2000"></textarea></p>
        </fieldset>
        <p class="actions"><button type="submit">Save the reviewed routine</button></p>
      </form>
    </xsl:if>

    <xsl:if test="changes/change">
      <h2>Stage history</h2>
      <ul class="notes">
        <xsl:for-each select="changes/change">
          <li><xsl:value-of select="@date"/>: <xsl:value-of select="@from"/> → <xsl:value-of select="@to"/>
            <span class="muted"> (<xsl:value-of select="@kind"/>)</span>
            <xsl:if test="@reason">. <xsl:value-of select="@reason"/></xsl:if>
            <xsl:if test="@gate"><span class="muted"> Gate: <xsl:value-of select="@gate"/></span></xsl:if></li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <xsl:template name="stage-step">
    <xsl:param name="code"/>
    <xsl:param name="label"/>
    <xsl:variable name="order" select="concat('not-started corrective qigong loading', '')"/>
    <xsl:variable name="cur" select="stage/@code"/>
    <li>
      <xsl:attribute name="class">
        <xsl:choose>
          <xsl:when test="$cur = $code">ex-step current</xsl:when>
          <xsl:when test="string-length(substring-before($order, $code)) &lt; string-length(substring-before($order, $cur))">ex-step done</xsl:when>
          <xsl:otherwise>ex-step</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:if test="$cur = $code"><xsl:attribute name="aria-current">step</xsl:attribute></xsl:if>
      <xsl:value-of select="$label"/>
    </li>
  </xsl:template>

  <!-- The load chart: x the sessions in order, y the work, and the next
       level dashed after the last point. -->
  <xsl:template match="exercise" mode="chart">
    <xsl:variable name="n" select="count(point)"/>
    <xsl:variable name="max">
      <xsl:for-each select="point/dose/@work | next/dose/@work">
        <xsl:sort select="." data-type="number" order="descending"/>
        <xsl:if test="position() = 1"><xsl:value-of select="."/></xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="top" select="number($max) + (number($max) = 0)"/>
    <xsl:variable name="step" select="260 div ($n + 1)"/>
    <svg xmlns="http://www.w3.org/2000/svg" class="ex-chart" role="img" viewBox="0 0 320 140" width="320" height="140">
      <title>Work per session of <xsl:value-of select="@name"/>, <xsl:value-of select="$n"/> sessions, next level dashed</title>
      <line x1="40" y1="120" x2="310" y2="120" stroke="#999" stroke-width="1"/>
      <line x1="40" y1="10" x2="40" y2="120" stroke="#999" stroke-width="1"/>
      <text x="36" y="14" font-size="9" text-anchor="end"><xsl:value-of select="$top"/></text>
      <text x="36" y="120" font-size="9" text-anchor="end">0</text>
      <xsl:if test="$n &gt; 1">
        <polyline fill="none" stroke="currentColor" stroke-width="2">
          <xsl:attribute name="points">
            <xsl:for-each select="point">
              <xsl:value-of select="concat(40 + position() * $step, ',', 120 - dose/@work * 100 div $top, ' ')"/>
            </xsl:for-each>
          </xsl:attribute>
        </polyline>
      </xsl:if>
      <xsl:for-each select="point">
        <circle cx="{40 + position() * $step}" cy="{120 - dose/@work * 100 div $top}" r="3" fill="currentColor">
          <title><xsl:value-of select="concat(@date, ': ', dose/@text, ', pain ', @pain, '/10')"/></title>
        </circle>
      </xsl:for-each>
      <xsl:if test="$n &gt; 0">
        <line x1="{40 + $n * $step}" y1="{120 - point[last()]/dose/@work * 100 div $top}"
              x2="{40 + ($n + 1) * $step}" y2="{120 - next/dose/@work * 100 div $top}"
              stroke="currentColor" stroke-width="1.5" stroke-dasharray="4 3"/>
      </xsl:if>
      <circle cx="{40 + ($n + 1) * $step}" cy="{120 - next/dose/@work * 100 div $top}" r="3"
              fill="none" stroke="currentColor" stroke-width="1.5">
        <title>Next: <xsl:value-of select="next/dose/@text"/></title>
      </circle>
      <text x="175" y="136" font-size="9" text-anchor="middle">sessions (work: sets × reps × kg; at body weight sets × reps)</text>
    </svg>
  </xsl:template>
</xsl:stylesheet>
