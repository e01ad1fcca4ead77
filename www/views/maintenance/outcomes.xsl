<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/outcomes.xsl - after graduation, per check-in timepoint
  (GET /outcomes/maintenance).
  View document (plugins/maintenance/reports.c):
    <maintenance-outcomes>
      <timepoint months= n= undefined= mean-improvement=? share-50=? share-came-back=?/>*
    </maintenance-outcomes>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="maintenance-outcomes" mode="title">Outcomes after graduation</xsl:template>

  <xsl:template match="maintenance-outcomes" mode="content">
    <p><a href="/outcomes">Outcomes during the program</a></p>
    <h1>Outcomes after graduation</h1>
    <p>Per check-in: graduates who answered it, their mean improvement from
      the episode's baseline of its primary measure, the share still at 50%
      or better, and the share who came back to the program.</p>
    <table>
      <thead><tr><th scope="col">Check-in</th><th scope="col">n</th><th scope="col">Mean improvement</th><th scope="col">At 50% or better</th><th scope="col">Came back</th><th scope="col">Improvement undefined</th></tr></thead>
      <tbody>
        <xsl:for-each select="timepoint">
          <tr id="m{@months}">
            <th scope="row"><xsl:value-of select="@months"/> months</th>
            <td><xsl:value-of select="@n"/></td>
            <xsl:choose>
              <xsl:when test="@n &gt; 0">
                <td><xsl:value-of select="@mean-improvement"/>%</td>
                <td><xsl:value-of select="@share-50"/>%</td>
                <td><xsl:value-of select="@share-came-back"/>%</td>
              </xsl:when>
              <xsl:otherwise><td colspan="3">No answers yet</td></xsl:otherwise>
            </xsl:choose>
            <td><xsl:value-of select="@undefined"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
