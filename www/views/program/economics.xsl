<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!--
  program/economics.xsl - fees against visits (GET /economics;
  plugins/program/economics.c).
    <economics currency= today= visits-outside-phases=?>
      <phase id= name= entered= fees= visits= needling= per-visit=?/>*3
      <month month= fees= visits= per-visit=?/>*
      <episode href= name= phase= fees= visits= per-visit=?/>*
      <decision from= to= threshold-met=? count= justified=/>*
      <benchmark decisions= reached= share=?/>
      <justification href= name= date= improvement=? to="monthly|graduated"><text/></justification>*
      (month and episode rows with visits and no fee carry no-fee="yes" instead of per-visit)
      <graduation count= median-days=?/>
    </economics>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="program-lib.xsl"/>
  <xsl:template match="economics" mode="title">Economics of the program</xsl:template>
  <xsl:template match="economics" mode="content">
    <xsl:variable name="cur" select="@currency"/>
    <h1>Economics of the program</h1>
    <p class="muted">One flat fee per phase entered; the effective per-visit rate is the fees divided by the visits delivered. Amounts in <xsl:value-of select="$cur"/>.</p>

    <dl class="stats">
      <div><dt>Reached the 50% benchmark</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="benchmark/@share"><xsl:call-template name="pct"><xsl:with-param name="v" select="benchmark/@share"/></xsl:call-template>
              <span class="small"> (<xsl:value-of select="benchmark/@reached"/> of <xsl:value-of select="benchmark/@decisions"/>)</span></xsl:when>
            <xsl:otherwise>no decisions yet</xsl:otherwise>
          </xsl:choose>
        </dd>
      </div>
      <div><dt>Graduated</dt><dd><xsl:value-of select="graduation/@count"/></dd></div>
      <div><dt>Median days to graduation</dt>
        <dd><xsl:choose><xsl:when test="graduation/@median-days"><xsl:value-of select="graduation/@median-days"/></xsl:when><xsl:otherwise>–</xsl:otherwise></xsl:choose></dd></div>
    </dl>

    <h2>Per phase</h2>
    <div class="table-wrap">
      <table id="per-phase">
        <thead><tr><th scope="col">Phase</th><th scope="col" class="num">Entered</th><th scope="col" class="num">Fees</th><th scope="col" class="num">Visits delivered</th><th scope="col" class="num">of which needling</th><th scope="col" class="num">Per visit</th></tr></thead>
        <tbody>
          <xsl:for-each select="phase">
            <tr>
              <th scope="row"><xsl:value-of select="@name"/></th>
              <td class="num"><xsl:value-of select="@entered"/></td>
              <td class="num"><xsl:value-of select="@fees"/></td>
              <td class="num"><xsl:value-of select="@visits"/></td>
              <td class="num"><xsl:value-of select="@needling"/></td>
              <td class="num"><xsl:choose><xsl:when test="@per-visit"><xsl:value-of select="@per-visit"/></xsl:when><xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <xsl:if test="@visits-outside-phases"><p class="small muted"><xsl:value-of select="@visits-outside-phases"/> visits fell outside a paid phase (before the introductory phase began).</p></xsl:if>

    <h2>Checkpoints</h2>
    <div class="table-wrap">
      <table class="small">
        <thead><tr><th scope="col">At the end of</th><th scope="col">Decision</th><th scope="col">Threshold reached</th><th scope="col" class="num">Episodes</th><th scope="col" class="num">With a written justification</th></tr></thead>
        <tbody>
          <xsl:for-each select="decision">
            <tr>
              <th scope="row"><xsl:call-template name="phase-name"><xsl:with-param name="id" select="@from"/></xsl:call-template></th>
              <td><xsl:choose><xsl:when test="@to = 'exited'">exit</xsl:when><xsl:otherwise>on to <xsl:call-template name="phase-name"><xsl:with-param name="id" select="@to"/></xsl:call-template></xsl:otherwise></xsl:choose></td>
              <td><xsl:value-of select="@threshold-met"/></td>
              <td class="num"><xsl:value-of select="@count"/></td>
              <td class="num"><xsl:value-of select="@justified"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>

    <xsl:if test="justification">
      <h2>Continued below the benchmark or graduated without the data, with justification</h2>
      <xsl:for-each select="justification">
        <blockquote class="justification">
          <p><a href="{@href}"><xsl:value-of select="@name"/></a> · <xsl:value-of select="@date"/>
            <xsl:choose>
              <xsl:when test="@to = 'graduated'"> · graduated without the evidence of goals met and gains held</xsl:when>
              <xsl:otherwise> · on to the monthly program below the benchmark</xsl:otherwise>
            </xsl:choose>
            <xsl:if test="@improvement"> · improvement <xsl:call-template name="pct"><xsl:with-param name="v" select="@improvement"/></xsl:call-template></xsl:if></p>
          <p><xsl:value-of select="text"/></p>
        </blockquote>
      </xsl:for-each>
    </xsl:if>

    <h2>Per month</h2>
    <div class="table-wrap">
      <table class="small">
        <thead><tr><th scope="col">Month</th><th scope="col" class="num">Fees invoiced</th><th scope="col" class="num">Visits delivered</th><th scope="col" class="num">Per visit</th></tr></thead>
        <tbody>
          <xsl:for-each select="month">
            <tr><th scope="row"><xsl:value-of select="@month"/></th><td class="num"><xsl:value-of select="@fees"/></td><td class="num"><xsl:value-of select="@visits"/></td><td class="num"><xsl:call-template name="per-visit"><xsl:with-param name="none">no fee this month (paid by an earlier phase fee)</xsl:with-param></xsl:call-template></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <p class="small muted">Fees are invoiced when a phase begins, so a month can have visits and no fee: its visits were paid for by a phase fee invoiced in an earlier month.</p>

    <h2>Per episode</h2>
    <div class="table-wrap">
      <table class="small">
        <thead><tr><th scope="col">Patient</th><th scope="col">Phase now</th><th scope="col" class="num">Fees</th><th scope="col" class="num">Visits</th><th scope="col" class="num">Per visit</th></tr></thead>
        <tbody>
          <xsl:for-each select="episode">
            <tr><th scope="row"><a href="{@href}"><xsl:value-of select="@name"/></a></th>
              <td><xsl:call-template name="phase-name"><xsl:with-param name="id" select="@phase"/></xsl:call-template></td>
              <td class="num"><xsl:value-of select="@fees"/></td><td class="num"><xsl:value-of select="@visits"/></td><td class="num"><xsl:call-template name="per-visit"/></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <!-- The per-visit rate of a row, or what its absence means. -->
  <xsl:template name="per-visit">
    <xsl:param name="none">no fee invoiced</xsl:param>
    <xsl:choose>
      <xsl:when test="@per-visit"><xsl:value-of select="@per-visit"/></xsl:when>
      <xsl:when test="@no-fee = 'yes'"><span class="muted"><xsl:value-of select="$none"/></span></xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
