<?xml version="1.0" encoding="UTF-8"?>
<!--
  core/jobs.xsl - scheduled work (admin only): each job, its last run and
  its next.

  View document (core/jobs/pages.c):
    <jobs master-interval="seconds, 0: the master runs none">
      <job name="plugin:job" every="seconds" summary= last-start=? last-end=?
           status="ok|failed"? count=? next=? running="yes"?>
        <error>..</error>?
      </job>*
    </jobs>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="jobs" mode="title">Scheduled jobs</xsl:template>

  <xsl:template match="jobs" mode="content">
    <h1>Scheduled jobs</h1>
    <p class="muted">
      <xsl:choose>
        <xsl:when test="@master-interval &gt; 0">cairnd runs the jobs that are due every
          <xsl:value-of select="@master-interval"/> seconds.</xsl:when>
        <xsl:otherwise>Jobs run from a timer or cron (<code>cairn jobs run</code>).</xsl:otherwise>
      </xsl:choose>
    </p>
    <table class="data small">
      <caption class="sr-only">Jobs</caption>
      <thead><tr>
        <th scope="col">Job</th><th scope="col">Every</th><th scope="col">Last run (UTC)</th>
        <th scope="col">Outcome</th><th scope="col">Next run (UTC)</th>
      </tr></thead>
      <tbody>
        <xsl:for-each select="job">
          <tr>
            <td><code><xsl:value-of select="@name"/></code><br/>
              <span class="muted"><xsl:value-of select="@summary"/></span></td>
            <td class="num">
              <xsl:choose>
                <xsl:when test="@every mod 3600 = 0"><xsl:value-of select="@every div 3600"/> h</xsl:when>
                <xsl:when test="@every mod 60 = 0"><xsl:value-of select="@every div 60"/> min</xsl:when>
                <xsl:otherwise><xsl:value-of select="@every"/> s</xsl:otherwise>
              </xsl:choose>
            </td>
            <td>
              <xsl:choose>
                <xsl:when test="@last-start"><xsl:value-of select="@last-start"/></xsl:when>
                <xsl:otherwise>never</xsl:otherwise>
              </xsl:choose>
            </td>
            <td class="job-state">
              <xsl:choose>
                <xsl:when test="@running = 'yes'">running now</xsl:when>
                <xsl:when test="@status = 'ok'">done: <xsl:value-of select="@count"/></xsl:when>
                <xsl:when test="@status = 'failed'">
                  <span class="error">failed: <xsl:value-of select="error"/></span>
                </xsl:when>
                <xsl:otherwise>-</xsl:otherwise>
              </xsl:choose>
            </td>
            <td>
              <xsl:choose>
                <xsl:when test="@next and @last-start"><xsl:value-of select="@next"/></xsl:when>
                <xsl:otherwise>at the next run</xsl:otherwise>
              </xsl:choose>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
