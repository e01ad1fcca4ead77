<?xml version="1.0" encoding="UTF-8"?>
<!--
  core/outbox.xsl - the clinic's outgoing mail (admin only): failed,
  queued, being sent, sent; a failed message shows why and can be retried.

  View document (core/mail/pages.c):
    <outbox configured="yes|no" relay=? from=?>
      <section status="failed|queued|sending|sent">
        <message id= to= name= subject= attempts= created= next= sent=?
                 message-id=><error>..</error>?</message>*
      </section>*
      <error>..</error>?          a refused retry
    </outbox>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="outbox" mode="title">Outbox</xsl:template>

  <xsl:template match="outbox" mode="content">
    <h1>Outbox</h1>
    <xsl:choose>
      <xsl:when test="@configured = 'yes'">
        <p class="muted">Mail goes out through <code><xsl:value-of select="@relay"/></code>
          from <xsl:value-of select="@from"/>.</p>
      </xsl:when>
      <xsl:otherwise>
        <p class="error-summary">This clinic has no mail settings: add
          <code>&lt;mail&gt;</code> to the configuration to send email.</p>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="error">
      <p class="error-summary" role="alert"><xsl:value-of select="error"/></p>
    </xsl:if>
    <xsl:apply-templates select="section"/>
  </xsl:template>

  <xsl:template match="section">
    <h2 id="{@status}">
      <xsl:choose>
        <xsl:when test="@status = 'failed'">Failed</xsl:when>
        <xsl:when test="@status = 'queued'">Waiting to be sent</xsl:when>
        <xsl:when test="@status = 'sending'">Being sent</xsl:when>
        <xsl:otherwise>Sent</xsl:otherwise>
      </xsl:choose>
      <xsl:text> (</xsl:text><xsl:value-of select="count(message)"/><xsl:text>)</xsl:text>
    </h2>
    <xsl:choose>
      <xsl:when test="not(message)"><p class="muted">None.</p></xsl:when>
      <xsl:otherwise>
        <table class="data small">
          <caption class="sr-only"><xsl:value-of select="@status"/> messages</caption>
          <thead><tr>
            <th scope="col">#</th><th scope="col">To</th><th scope="col">Subject</th>
            <th scope="col">Queued (UTC)</th><th scope="col">Attempts</th>
            <th scope="col">
              <xsl:choose>
                <xsl:when test="@status = 'sent'">Sent (UTC)</xsl:when>
                <xsl:when test="@status = 'queued'">Next try (UTC)</xsl:when>
                <xsl:otherwise>Last error</xsl:otherwise>
              </xsl:choose>
            </th>
            <xsl:if test="@status = 'failed' or @status = 'queued'">
              <th scope="col"><span class="sr-only">Action</span></th>
            </xsl:if>
          </tr></thead>
          <tbody>
            <xsl:for-each select="message">
              <tr>
                <td class="num"><xsl:value-of select="@id"/></td>
                <td>
                  <xsl:if test="@name != ''"><xsl:value-of select="@name"/><br/></xsl:if>
                  <xsl:value-of select="@to"/>
                </td>
                <td><xsl:value-of select="@subject"/></td>
                <td><xsl:value-of select="@created"/></td>
                <td class="num"><xsl:value-of select="@attempts"/></td>
                <td class="message-state">
                  <xsl:choose>
                    <xsl:when test="../@status = 'sent'"><xsl:value-of select="@sent"/></xsl:when>
                    <xsl:when test="../@status = 'queued'">
                      <xsl:value-of select="@next"/>
                      <xsl:if test="error"><br/><span class="error"><xsl:value-of select="error"/></span></xsl:if>
                    </xsl:when>
                    <xsl:otherwise><span class="error"><xsl:value-of select="error"/></span></xsl:otherwise>
                  </xsl:choose>
                </td>
                <xsl:if test="../@status = 'failed' or ../@status = 'queued'">
                  <td>
                    <form method="post" action="/admin/outbox/{@id}/retry" class="inline">
                      <xsl:call-template name="csrf-field"/>
                      <button type="submit" class="link">
                        <xsl:choose>
                          <xsl:when test="../@status = 'failed'">Retry</xsl:when>
                          <xsl:otherwise>Send now</xsl:otherwise>
                        </xsl:choose>
                      </button>
                    </form>
                  </td>
                </xsl:if>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
