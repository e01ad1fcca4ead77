<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/graduation.xsl - the printable graduation summary
  (plugins/program/graduation.c).

    <graduation today= days= weeks-held=>
      <patient/> <episode ...><move/>*</episode>
      <primary abbreviation= baseline= baseline-date= latest=? latest-date=? improvement=?/>?
      <activity text= goal=? first=? first-date=? last=? last-date=?/>*
      <evidence goals-met= gains-held= weeks= .../>  (the data on the day)
      <visits delivered= needling=><phase-visits phase= delivered= needling=/>*</visits>
    </graduation>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="program-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <xsl:template match="graduation" mode="title">Graduation summary: <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="graduation" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small no-print">
          <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          <xsl:text> / </xsl:text>
          <a href="{episode/@href}">Episode <xsl:value-of select="episode/@id"/></a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>Graduation summary</h1>
        <p class="lead">
          <xsl:value-of select="patient/@name"/>
          <xsl:text> graduated from the care program on </xsl:text>
          <xsl:value-of select="episode/@phase-start"/>
          <xsl:text>, after </xsl:text>
          <xsl:value-of select="@days"/>
          <xsl:text> days.</xsl:text>
        </p>
      </div>
    </div>
    <xsl:for-each select="primary">
      <h2>Your day-to-day measure (<xsl:value-of select="@abbreviation"/>)</h2>
      <p>
        <xsl:text>From </xsl:text><strong><xsl:value-of select="@baseline"/></strong>
        <xsl:text> on </xsl:text><xsl:value-of select="@baseline-date"/>
        <xsl:if test="@latest">
          <xsl:text> to </xsl:text><strong><xsl:value-of select="@latest"/></strong>
          <xsl:text> on </xsl:text><xsl:value-of select="@latest-date"/>
        </xsl:if>
        <xsl:if test="@improvement">
          <xsl:text>: an improvement of </xsl:text>
          <strong><xsl:call-template name="pct"><xsl:with-param name="v" select="@improvement"/></xsl:call-template></strong>
          <xsl:text>.</xsl:text>
        </xsl:if>
      </p>
    </xsl:for-each>
    <xsl:if test="activity">
      <h2>The activities you set out to get back</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Activity</th><th scope="col" class="num">At the start</th><th scope="col" class="num">Now</th><th scope="col" class="num">Goal</th></tr></thead>
          <tbody>
            <xsl:for-each select="activity">
              <tr>
                <th scope="row"><xsl:value-of select="@text"/></th>
                <td class="num"><xsl:choose><xsl:when test="@first != ''"><xsl:value-of select="@first"/></xsl:when><xsl:otherwise><span class="muted">not rated</span></xsl:otherwise></xsl:choose></td>
                <td class="num"><xsl:choose><xsl:when test="@last != ''"><xsl:value-of select="@last"/></xsl:when><xsl:otherwise><span class="muted">not rated</span></xsl:otherwise></xsl:choose></td>
                <td class="num"><xsl:value-of select="@goal"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <p class="small muted">PSFS: 0 = unable to do the activity, 10 = able to do it as before.</p>
    </xsl:if>
    <h2>Your path</h2>
    <xsl:apply-templates select="episode" mode="path"/>
    <p>
      <xsl:value-of select="visits/@delivered"/> visits, of which <xsl:value-of select="visits/@needling"/> needling sessions
      <xsl:if test="visits/phase-visits">
        <xsl:text> (</xsl:text>
        <xsl:for-each select="visits/phase-visits">
          <xsl:call-template name="phase-name"><xsl:with-param name="id" select="@phase"/></xsl:call-template>
          <xsl:text>: </xsl:text><xsl:value-of select="@delivered"/>
          <xsl:if test="position() != last()"><xsl:text>; </xsl:text></xsl:if>
        </xsl:for-each>
        <xsl:text>)</xsl:text>
      </xsl:if>
      <xsl:text>.</xsl:text>
      <xsl:if test="evidence/@gains-held = 'yes'"> Your gains held for at least <xsl:value-of select="evidence/@weeks"/> weeks.</xsl:if>
      <xsl:if test="evidence/@goals-met = 'yes'"> You reached the goals you set for your activities.</xsl:if>
      <xsl:choose>
        <xsl:when test="evidence/@home-routine = 'yes'"> Your home routine was handed over: you had practised it for <xsl:value-of select="evidence/@routine-weeks"/> week<xsl:if test="evidence/@routine-weeks != 1">s</xsl:if>.</xsl:when>
        <xsl:when test="evidence/@home-routine = 'no'"/>
        <xsl:otherwise> Your home routine was handed over.</xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:if test="evidence/@goals-met != 'yes' or evidence/@gains-held != 'yes' or evidence/@home-routine = 'no'">
      <p class="small muted no-print">
        <xsl:if test="evidence/@goals-met != 'yes'">The measures recorded do not show every activity goal met. </xsl:if>
        <xsl:if test="evidence/@home-routine = 'no'">No home routine was written on the exercise page. </xsl:if>
        <xsl:if test="evidence/@gains-held != 'yes'">The measures recorded do not show the gains held for <xsl:value-of select="evidence/@weeks"/> weeks. </xsl:if>
        <xsl:text>The clinician's justification is on the path above.</xsl:text>
      </p>
    </xsl:if>
    <xsl:apply-templates select="sections" mode="sections"/>
    <!-- Without a maintenance plan's "what comes next", the general word. -->
    <xsl:if test="not(sections/section[@plugin = 'maintenance' and not(@empty = '1')])">
      <h2>Next steps</h2>
      <p>Keep to your home routine. If your gains slip for more than a couple of weeks, get in touch: a short conversation is the first step back.</p>
    </xsl:if>
    <p class="no-print muted small">Print this page from the browser; the site frame is left off the printout.</p>
  </xsl:template>
</xsl:stylesheet>
