<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/schedule.xsl - the week's visits (GET /schedule?week=;
  plugins/program/visits.c).
    <schedule week= prev= next= today= truncated=?>
      <day date= weekday=><visit id= type= state= name= identifier= href= visits=>
        <attendance action= from=/>?</visit>*</day>*7
  Front desk's names open the episode's visits page (book, attended,
  missed: no clinical notes); clinicians' open the episode page.
    </schedule>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:template match="attendance">
    <form method="post" action="{@action}" class="inline">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="from" value="{@from}"/>
      <xsl:text> </xsl:text>
      <button type="submit" name="attended" value="yes">Attended</button>
      <xsl:text> </xsl:text>
      <button type="submit" name="attended" value="no" class="secondary">Missed</button>
    </form>
  </xsl:template>
  <xsl:template match="schedule" mode="title">Week of <xsl:value-of select="@week"/></xsl:template>
  <xsl:template match="schedule" mode="content">
    <div class="page-head">
      <div>
        <h1>Week of <xsl:value-of select="@week"/></h1>
        <p class="no-print">
          <a href="/schedule?week={@prev}">Previous week</a>
          <xsl:text> · </xsl:text>
          <a href="/schedule">This week</a>
          <xsl:text> · </xsl:text>
          <a href="/schedule?week={@next}">Next week</a>
        </p>
      </div>
    </div>
    <xsl:if test="@truncated"><p class="panel">Only the first visits of this week are shown.</p></xsl:if>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Day</th><th scope="col">Visits</th></tr></thead>
        <tbody>
          <xsl:for-each select="day">
            <tr>
              <th scope="row">
                <xsl:value-of select="@weekday"/><br/>
                <span class="small muted"><xsl:value-of select="@date"/></span>
                <xsl:if test="@date = /schedule/@today"> <span class="badge">today</span></xsl:if>
              </th>
              <td>
                <xsl:choose>
                  <xsl:when test="visit">
                    <ul class="plain">
                      <xsl:for-each select="visit">
                        <li>
                          <xsl:choose>
                            <!-- Front desk may not open charts or episodes:
                                 their link is the visits page. -->
                            <xsl:when test="$staff-role = 'front-desk'">
                              <a href="{@visits}"><xsl:value-of select="@name"/></a>
                            </xsl:when>
                            <xsl:otherwise>
                              <a href="{@href}"><xsl:value-of select="@name"/></a>
                            </xsl:otherwise>
                          </xsl:choose>
                          <xsl:text> · </xsl:text>
                          <xsl:choose>
                            <xsl:when test="@type = 'herbal-review'">herbal review</xsl:when>
                            <xsl:otherwise><xsl:value-of select="@type"/></xsl:otherwise>
                          </xsl:choose>
                          <xsl:text> · </xsl:text>
                          <xsl:choose>
                            <xsl:when test="@state = 'finished'">delivered</xsl:when>
                            <xsl:when test="@state = 'planned'">scheduled</xsl:when>
                            <xsl:otherwise><xsl:value-of select="@state"/></xsl:otherwise>
                          </xsl:choose>
                          <xsl:if test="$staff-role != 'admin'">
                            <xsl:apply-templates select="attendance"/>
                          </xsl:if>
                        </li>
                      </xsl:for-each>
                    </ul>
                  </xsl:when>
                  <xsl:otherwise><span class="muted">none</span></xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>
</xsl:stylesheet>
