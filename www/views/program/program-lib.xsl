<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/program-lib.xsl - what the care-program views share beyond forms
  (forms are ../form-lib.xsl's): a fraction as a percent, a phase's name,
  and the path of an episode (<episode><move .../>*</episode>, written by
  plugins/program/progress.c's program_doc_episode).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- A fraction as a whole percent: 0.4567 -> 46%. -->
  <xsl:template name="pct">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number(number($v) * 100, '0')"/>
    <xsl:text>%</xsl:text>
  </xsl:template>

  <xsl:template name="phase-name">
    <xsl:param name="id"/>
    <xsl:choose>
      <xsl:when test="$id = 'enrolled'">Enrolled</xsl:when>
      <xsl:when test="$id = 'introductory'">Introductory phase</xsl:when>
      <xsl:when test="$id = 'first-month'">First-month continuation</xsl:when>
      <xsl:when test="$id = 'monthly'">Monthly program</xsl:when>
      <xsl:when test="$id = 'graduated'">Graduated</xsl:when>
      <xsl:when test="$id = 'exited'">Exited</xsl:when>
      <xsl:otherwise><xsl:value-of select="$id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The path of an episode: one line per move. -->
  <xsl:template match="episode" mode="path">
    <ol class="path">
      <li>
        <xsl:text>Enrolled </xsl:text>
        <xsl:value-of select="@period-start"/>
        <xsl:if test="@definition-version">
          <span class="muted"> · program definition v<xsl:value-of select="@definition-version"/></span>
        </xsl:if>
      </li>
      <xsl:for-each select="move">
        <li>
          <xsl:attribute name="class">move to-<xsl:value-of select="@to"/></xsl:attribute>
          <strong><xsl:value-of select="@to-label"/></strong>
          <xsl:text> </xsl:text>
          <xsl:value-of select="@date"/>
          <xsl:if test="@improvement">
            <xsl:text> · improvement </xsl:text>
            <xsl:call-template name="pct"><xsl:with-param name="v" select="@improvement"/></xsl:call-template>
            <xsl:if test="@threshold-met = 'no'"> (threshold not reached)</xsl:if>
            <xsl:if test="@threshold-met = 'yes'"> (threshold reached)</xsl:if>
          </xsl:if>
          <xsl:if test="@reason-label">
            <xsl:text> · reason: </xsl:text>
            <xsl:value-of select="@reason-label"/>
          </xsl:if>
          <xsl:if test="justification">
            <blockquote class="justification">
              <strong>Clinical justification: </strong>
              <xsl:value-of select="justification"/>
            </blockquote>
          </xsl:if>
          <xsl:if test="note">
            <p class="small muted"><xsl:value-of select="note"/></p>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <!-- The graduation checklist as the data show it (plugins/program/
       evidence.c): <evidence goals-met= gains-held= weeks= tolerance=
       psfs-date=? direction= home-routine="yes|no|ticked" routine-since=?
       routine-weeks=? routine-items=?><activity text= goal=? rating=?/>*</evidence> -->
  <xsl:template match="evidence">
    <section class="panel evidence">
      <h3>Graduation checklist, from the data</h3>
      <ul class="checklist">
        <li class="ev-{@goals-met}">
          <strong>
            <xsl:choose>
              <xsl:when test="@goals-met = 'yes'">Functional goals met</xsl:when>
              <xsl:otherwise>Functional goals not shown as met</xsl:otherwise>
            </xsl:choose>
          </strong>
          <xsl:choose>
            <xsl:when test="@psfs-date"> (PSFS of <xsl:value-of select="@psfs-date"/>)</xsl:when>
            <xsl:otherwise>: no PSFS of the patient's activities is recorded</xsl:otherwise>
          </xsl:choose>
          <xsl:if test="activity">
            <table class="small">
              <thead><tr><th scope="col">Activity</th><th scope="col" class="num">Rating</th><th scope="col" class="num">Goal</th></tr></thead>
              <tbody>
                <xsl:for-each select="activity">
                  <tr>
                    <th scope="row"><xsl:value-of select="@text"/></th>
                    <td class="num">
                      <xsl:choose>
                        <xsl:when test="@rating"><xsl:value-of select="@rating"/></xsl:when>
                        <xsl:otherwise>not rated</xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td class="num"><xsl:value-of select="@goal"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </xsl:if>
        </li>
        <li class="ev-{@gains-held}">
          <strong>
            <xsl:choose>
              <xsl:when test="@gains-held = 'yes'">Gains held</xsl:when>
              <xsl:otherwise>Gains not shown to hold</xsl:otherwise>
            </xsl:choose>
          </strong>
          <xsl:text> over the last </xsl:text><xsl:value-of select="@weeks"/>
          <xsl:text> weeks (every measure of the primary measure within </xsl:text>
          <xsl:call-template name="pct"><xsl:with-param name="v" select="@tolerance"/></xsl:call-template>
          <xsl:text> of the improvement at the start of the window)</xsl:text>
        </li>
        <xsl:choose>
          <xsl:when test="@home-routine = 'yes'">
            <li class="ev-yes" id="evidence-home-routine"><strong>Home routine written</strong>
              <xsl:text> since </xsl:text><xsl:value-of select="@routine-since"/>
              <xsl:text>: </xsl:text><xsl:value-of select="@routine-weeks"/>
              <xsl:text> week</xsl:text><xsl:if test="@routine-weeks != 1">s</xsl:if>
              <xsl:text> practised, </xsl:text><xsl:value-of select="@routine-items"/>
              <xsl:text> exercise</xsl:text><xsl:if test="@routine-items != 1">s</xsl:if>
              <xsl:text> (the exercise page)</xsl:text></li>
          </xsl:when>
          <xsl:when test="@home-routine = 'no'">
            <li class="ev-no" id="evidence-home-routine"><strong>No home routine written</strong>
              <xsl:text> on the exercise page yet</xsl:text></li>
          </xsl:when>
          <xsl:otherwise><li>Home routine: recorded by the clinician below.</li></xsl:otherwise>
        </xsl:choose>
      </ul>
      <xsl:if test="@goals-met != 'yes' or @gains-held != 'yes' or @home-routine = 'no'">
        <p class="muted small">Graduating without this evidence needs a written clinical justification.</p>
      </xsl:if>
    </section>
  </xsl:template>

</xsl:stylesheet>
