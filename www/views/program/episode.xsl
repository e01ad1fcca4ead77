<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/episode.xsl - one episode of the care program
  (GET /patients/{p}/episodes/{e}; plugins/program/episode_page.c).

  View document:
    <episode-page today= checkpoint=? graduation=?>
      <problem>message</problem>*   (a refused move of an ended episode)
      <patient .../>
      <episode id= phase= phase-label= period-start= definition-version= ...>
        <activity item= goal= text=/>*  <move .../>*
      </episode>
      <definition ...>...</definition>
      <phase-visits phase= name= planned= fee= charged=? start=? end=?
                    needling=? delivered=? scheduled=?/>*3
                    (charged: what was invoiced; fee: the definition's)
      <visit id= date= type= state= notes=?/>*
      <flare id= start= end=? severity= trigger=? response=? visits-per-week=?><form/>?</flare>*
      <taper current=?><week start= recommended= actual= why=/>*</taper>?
      <evidence .../>?  (monthly program: the graduation checklist from the data)
      <graduation-waits flare-start=/>?  (monthly, a flare open: no graduation form)
      <form id="move|exit|visit|flare" .../>*
    </episode-page>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="program-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>
  <xsl:include href="intake-lib.xsl"/>

  <xsl:template match="episode-page" mode="title">
    <xsl:if test=".//form/error">Not saved: </xsl:if>
    <xsl:value-of select="patient/@name"/>
    <xsl:text> · </xsl:text>
    <xsl:value-of select="episode/@phase-label"/>
  </xsl:template>

  <xsl:template match="episode-page" mode="content">
    <xsl:variable name="cur" select="/episode-page/definition/@currency"/>
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="/patients">Patients</a>
          <xsl:text> / </xsl:text>
          <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>
          <xsl:value-of select="patient/@name"/>
          <xsl:text>: </xsl:text>
          <span class="badge phase-{episode/@phase}"><xsl:value-of select="episode/@phase-label"/></span>
        </h1>
        <p class="muted">
          <xsl:text>Episode </xsl:text><xsl:value-of select="episode/@id"/>
          <xsl:text> · primary measure </xsl:text><xsl:value-of select="episode/@primary-name"/>
          <xsl:if test="episode/@definition-version">
            <xsl:text> · program definition version </xsl:text>
            <xsl:value-of select="episode/@definition-version"/>
          </xsl:if>
        </p>
      </div>
      <p class="actions no-print">
        <a class="button" href="{patient/@href}">Chart</a>
        <xsl:if test="$staff-role = 'clinician'">
          <xsl:text> </xsl:text>
          <a class="button" href="{patient/@href}/observations/new">Record a measure</a>
        </xsl:if>
        <xsl:if test="@checkpoint">
          <xsl:text> </xsl:text>
          <a class="button" href="{@checkpoint}">Checkpoint decision</a>
        </xsl:if>
        <xsl:if test="@graduation">
          <xsl:text> </xsl:text>
          <a class="button" href="{@graduation}">Graduation summary</a>
        </xsl:if>
        <xsl:text> </xsl:text>
        <a class="button" href="{patient/@href}/episodes/{episode/@id}/patient-link">Patient's page</a>
      </p>
    </div>

    <xsl:if test="problem">
      <div class="error-summary" role="alert">
        <h2>Not done</h2>
        <ul><xsl:for-each select="problem"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
      </div>
    </xsl:if>
    <xsl:apply-templates select="intake" mode="from-intake"/>
    <h2>Path through the program</h2>
    <xsl:apply-templates select="episode" mode="path"/>

    <xsl:if test="episode/activity">
      <h2>The patient's activities (PSFS)</h2>
      <ul>
        <xsl:for-each select="episode/activity">
          <li><xsl:value-of select="@text"/>
            <xsl:if test="@goal"><span class="muted"> · goal <xsl:value-of select="@goal"/>/10</span></xsl:if>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>

    <xsl:apply-templates select="evidence"/>
    <xsl:for-each select="graduation-waits">
      <p class="flag-note" id="graduation-waits" role="status">
        <xsl:text>Graduation waits: a flare is open since </xsl:text>
        <xsl:value-of select="@flare-start"/>
        <xsl:text>. Answer it as its response says, record its end under Flares below, then judge the gains.</xsl:text>
      </p>
    </xsl:for-each>
    <!-- Forms only for the roles their routes admit: a move, a flare and
         an exit are a clinician's; visits also the front desk's. -->
    <xsl:for-each select="form[@id = 'move'][$staff-role = 'clinician']">
      <section class="panel"><xsl:apply-templates select="." mode="form"/></section>
    </xsl:for-each>

    <xsl:if test="phase-visits">
      <h2>Visits delivered against planned</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Phase</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col" class="num">Needling plan</th>
              <th scope="col" class="num">Needling done</th>
              <th scope="col" class="num">All visits</th>
              <th scope="col" class="num">Scheduled</th>
              <th scope="col" class="num">
                <xsl:choose>
                  <xsl:when test="episode/@phase = 'graduated' or episode/@phase = 'exited'">Charged</xsl:when>
                  <xsl:otherwise>Fee</xsl:otherwise>
                </xsl:choose>
                <xsl:text> </xsl:text><xsl:value-of select="$cur"/>
              </th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="phase-visits">
              <tr>
                <th scope="row"><xsl:value-of select="@name"/></th>
                <td><xsl:value-of select="@start"/></td>
                <td><xsl:value-of select="@end"/></td>
                <td class="num"><xsl:value-of select="@planned"/></td>
                <td class="num"><xsl:value-of select="@needling"/></td>
                <td class="num"><xsl:value-of select="@delivered"/></td>
                <td class="num"><xsl:value-of select="@scheduled"/></td>
                <td class="num">
                  <xsl:choose>
                    <xsl:when test="@charged"><xsl:value-of select="@charged"/></xsl:when>
                    <xsl:when test="../episode/@phase = 'graduated' or ../episode/@phase = 'exited'"><span class="muted">not charged</span></xsl:when>
                    <xsl:otherwise><span class="muted"><xsl:value-of select="@fee"/> when it begins</span></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>

    <xsl:if test="taper">
      <h2>Taper: recommended against actual visits a week</h2>
      <p>
        <xsl:text>Recommended now: </xsl:text>
        <strong><xsl:value-of select="taper/@current"/> a week</strong>
        <span class="muted"> (from the data: gains held over the last <xsl:value-of select="definition/taper/@held-days"/> days and no flare in the last <xsl:value-of select="definition/taper/@flare-free-days"/> days steps down, gradually, each step held at least <xsl:value-of select="definition/taper/@min-weeks-at-step"/> weeks; a flare holds, a severe one steps back; an open flare whose response asks a number of visits a week sets it)</span>
      </p>
      <div class="table-wrap">
        <table class="small">
          <thead>
            <tr>
              <th scope="col">Week from</th>
              <th scope="col" class="num">Recommended</th>
              <th scope="col" class="num">Actual</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="taper/week">
              <tr>
                <th scope="row"><xsl:value-of select="@start"/></th>
                <td class="num"><xsl:value-of select="@recommended"/></td>
                <td class="num">
                  <xsl:value-of select="@actual"/>
                  <xsl:if test="number(@actual) &gt; number(@recommended)"><span class="muted"> (more)</span></xsl:if>
                </td>
                <td><xsl:value-of select="@why"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>

    <xsl:for-each select="patient-diary">
      <p class="muted small">
        <xsl:text>The patient's own page: </xsl:text>
        <xsl:choose>
          <xsl:when test="@link = 'active'">link active</xsl:when>
          <xsl:otherwise>no active link</xsl:otherwise>
        </xsl:choose>
        <xsl:text>; diary: </xsl:text><xsl:value-of select="@entries"/><xsl:text> entries</xsl:text>
        <xsl:if test="@last">, the last on <xsl:value-of select="@last"/></xsl:if>
        <xsl:text> (patient-reported, kept out of /outcomes). </xsl:text>
        <a href="{../patient/@href}/episodes/{../episode/@id}/patient-link">See them</a>
      </p>
    </xsl:for-each>

    <xsl:apply-templates select="sections" mode="sections"/>

    <h2>Flares</h2>
    <xsl:choose>
      <xsl:when test="flare">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Severity</th>
                <th scope="col">Suspected trigger</th>
                <th scope="col">Response</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="flare">
                <tr>
                  <th scope="row"><xsl:value-of select="@start"/></th>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@end"><xsl:value-of select="@end"/></xsl:when>
                      <xsl:otherwise>
                        <span class="badge">open</span>
                        <xsl:if test="$staff-role = 'clinician'">
                          <xsl:apply-templates select="form" mode="form"/>
                        </xsl:if>
                      </xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:value-of select="@severity"/><xsl:if test="@reported-by = 'patient'"> <span class="badge">reported by the patient: to confirm</span></xsl:if></td>
                  <td><xsl:value-of select="@trigger"/></td>
                  <td>
                    <xsl:value-of select="@response"/>
                    <xsl:if test="@visits-per-week">
                      <xsl:if test="@response"><br/></xsl:if>
                      <strong><xsl:value-of select="@visits-per-week"/> visits a week while it lasts</strong>
                    </xsl:if>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
        <p class="muted small">Flares are expected; they slow the taper and never reset the baseline or the improvement.</p>
      </xsl:when>
      <xsl:otherwise><p class="muted">No flares recorded.</p></xsl:otherwise>
    </xsl:choose>

    <h2>Visits</h2>
    <!-- The newest visits and every one booked ahead in full; a long
         history folds away under "Earlier visits" (a program's forty
         visits pushed the forms off the screen). -->
    <xsl:variable name="shown" select="12"/>
    <xsl:variable name="past" select="visit[@state != 'planned']"/>
    <xsl:variable name="fold" select="count($past) - $shown"/>
    <xsl:choose>
      <xsl:when test="visit">
        <xsl:if test="$fold &gt; 0">
          <details class="earlier-visits">
            <summary>Earlier visits (<xsl:value-of select="$fold"/>)</summary>
            <div class="table-wrap">
              <table class="small">
                <thead>
              <tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Notes</th><th scope="col" class="no-print"><span class="visually-hidden">Change</span></th></tr>
            </thead>
                <tbody>
                  <xsl:apply-templates select="$past[position() &lt;= $fold]" mode="visit-row"/>
                </tbody>
              </table>
            </div>
          </details>
        </xsl:if>
        <div class="table-wrap">
          <table class="small">
            <thead>
              <tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Notes</th><th scope="col" class="no-print"><span class="visually-hidden">Change</span></th></tr>
            </thead>
            <tbody>
              <!-- every booked visit, and the past ones after the folded
                   first $fold (a union is in document order) -->
              <xsl:apply-templates select="visit[@state = 'planned'] | $past[position() &gt; $fold]" mode="visit-row"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">No visits recorded.</p></xsl:otherwise>
    </xsl:choose>

    <div class="form-grid no-print">
      <xsl:for-each select="form[(@id = 'visit' and $staff-role = 'front-desk') or
                                 ((@id = 'visit' or @id = 'flare' or @id = 'exit') and $staff-role = 'clinician')]">
        <section class="panel"><xsl:apply-templates select="." mode="form"/></section>
      </xsl:for-each>
    </div>
  </xsl:template>

  <!-- One visit as a table row: date, type, status, notes, and for a
       booked one the forms to move or cancel it. -->
  <xsl:template match="visit" mode="visit-row">
                <tr>
                  <th scope="row"><xsl:value-of select="@date"/></th>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@type = 'needling'">Needling session</xsl:when>
                      <xsl:when test="@type = 'herbal-review'">Herbal review</xsl:when>
                      <xsl:when test="@type = 'exercise'">Exercise session</xsl:when>
                      <xsl:otherwise>Other</xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@state = 'finished'">delivered</xsl:when>
                      <xsl:when test="@state = 'planned'">scheduled</xsl:when>
                      <xsl:otherwise><xsl:value-of select="@state"/></xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:value-of select="@notes"/></td>
                  <td class="no-print">
                    <xsl:if test="@state = 'planned' and ($staff-role = 'clinician' or $staff-role = 'front-desk')">
                      <details class="correct">
                        <summary>Move or cancel</summary>
                        <form method="post" action="{/episode-page/episode/@href}/visits/{@id}/reschedule">
                          <xsl:call-template name="csrf-field"/>
                          <label for="resched-{@id}">New date</label>
                          <input id="resched-{@id}" name="date" type="date" value="{@date}" required="required"/>
                          <button type="submit">Move the visit</button>
                        </form>
                        <form method="post" action="{/episode-page/episode/@href}/visits/{@id}/cancel">
                          <xsl:call-template name="csrf-field"/>
                          <label for="cancel-{@id}">Reason for cancelling</label>
                          <input id="cancel-{@id}" name="reason" type="text" maxlength="500" required="required"/>
                          <button type="submit">Cancel the visit</button>
                        </form>
                      </details>
                    </xsl:if>
                  </td>
                </tr>
  </xsl:template>
</xsl:stylesheet>
