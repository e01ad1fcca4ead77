<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  intake/queue.xsl - the front desk's queue (GET /intake).

  View document (plugins/intake/queue.c):
    <intake-queue answer-days= role= today=>
      <request id= name= received= state="new|scheduled" call=? overdue="yes"?
               overdue-since=?/>*    overdue-since: marked by the job
                                     intake:overdue-calls
      <form id="send" action="/intake/link" ...>   email an open intake's
                                     link (www/views/form-lib.xsl)
      <intake id= state= opened= name= sections= red-flag="yes"?
              link-expires=? link-sent-to=?/>*   the patient's link, if issued
      <task id= intake= opened= name=/>*
      <decided id= name= received= state= decided= intake=?/>*
    </intake-queue>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="intake-queue" mode="title">Intake</xsl:template>

  <xsl:template match="intake-queue" mode="content">
    <div class="page-head">
      <div>
        <h1>Intake</h1>
        <p class="muted">Discovery-call requests, open intakes and referrals out.
          Public request page: <a href="/request-a-call">/request-a-call</a></p>
      </div>
    </div>

    <section class="panel" aria-labelledby="h-requests">
      <h2 id="h-requests">Requests for a discovery call</h2>
      <xsl:variable name="overdue" select="count(request[@overdue = 'yes'])"/>
      <xsl:if test="$overdue &gt; 0">
        <p class="flag-note" role="status">
          <strong><xsl:value-of select="$overdue"/></strong>
          <xsl:text> request</xsl:text><xsl:if test="$overdue != 1">s</xsl:if>
          <xsl:text> not answered within </xsl:text>
          <xsl:value-of select="@answer-days"/>
          <xsl:text> days.</xsl:text>
        </p>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="request">
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Open requests, oldest first</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">Received</th><th scope="col">State</th><th scope="col">Call</th></tr></thead>
              <tbody>
                <xsl:for-each select="request">
                  <tr>
                    <xsl:if test="@overdue = 'yes'"><xsl:attribute name="class">overdue</xsl:attribute></xsl:if>
                    <th scope="row"><a href="/intake/requests/{@id}"><xsl:value-of select="@name"/></a></th>
                    <td>
                      <xsl:value-of select="@received"/>
                      <xsl:choose>
                        <xsl:when test="@overdue-since"><xsl:text> </xsl:text><span class="badge warn">overdue since <xsl:value-of select="@overdue-since"/></span></xsl:when>
                        <xsl:when test="@overdue = 'yes'"><xsl:text> </xsl:text><span class="badge warn">not answered</span></xsl:when>
                      </xsl:choose>
                    </td>
                    <td><xsl:value-of select="@state"/></td>
                    <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="@call"/></xsl:call-template></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise><p class="muted">No open requests.</p></xsl:otherwise>
      </xsl:choose>
    </section>

    <section class="panel" aria-labelledby="h-intakes">
      <h2 id="h-intakes">Open intakes</h2>
      <xsl:choose>
        <xsl:when test="intake">
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Patient</th><th scope="col">Opened</th><th scope="col">State</th><th scope="col">Sections saved</th><th scope="col">Patient's link</th></tr></thead>
              <tbody>
                <xsl:for-each select="intake">
                  <tr>
                    <th scope="row"><a href="/intake/{@id}"><xsl:value-of select="@name"/></a></th>
                    <td><xsl:value-of select="@opened"/></td>
                    <td>
                      <xsl:value-of select="@state"/>
                      <xsl:if test="@red-flag = 'yes'"><xsl:text> </xsl:text><span class="badge danger">red flag</span></xsl:if>
                    </td>
                    <td><xsl:value-of select="@sections"/> of <xsl:value-of select="/intake-queue/@sections-total"/></td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="@state != 'open'"><span class="muted">not needed</span></xsl:when>
                        <xsl:when test="@link-expires and number(translate(@link-expires, '-', '')) &lt; number(translate(/intake-queue/@today, '-', ''))">expired <xsl:value-of select="@link-expires"/></xsl:when>
                        <xsl:when test="@link-sent-to">emailed to <xsl:value-of select="@link-sent-to"/>, until <xsl:value-of select="@link-expires"/></xsl:when>
                        <xsl:when test="@link-expires">issued, until <xsl:value-of select="@link-expires"/></xsl:when>
                        <xsl:otherwise><span class="muted">none yet</span></xsl:otherwise>
                      </xsl:choose>
                    </td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise><p class="muted">No open intakes.</p></xsl:otherwise>
      </xsl:choose>
    </section>

    <xsl:if test="form/field[@name = 'intake']/option">
      <section class="panel" aria-labelledby="h-send">
        <h2 id="h-send">Send a questionnaire link</h2>
        <p>Issues the patient's link to their intake questionnaire and emails it to them
          (it greets them by first name and says nothing else about them).
          The next page shows the link once, to copy if they need it another way.
          A link already issued for that intake stops working.</p>
        <xsl:apply-templates select="form" mode="form"/>
      </section>
    </xsl:if>

    <xsl:if test="task">
      <section class="panel" aria-labelledby="h-tasks">
        <h2 id="h-tasks">Referrals out to arrange</h2>
        <ul>
          <xsl:for-each select="task">
            <li><a href="/intake/{@intake}"><xsl:value-of select="@name"/></a>
              <xsl:text>: red-flag screen positive, opened </xsl:text><xsl:value-of select="@opened"/></li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>

    <xsl:if test="decided">
      <section class="panel" aria-labelledby="h-decided">
        <h2 id="h-decided">Recently decided</h2>
        <div class="table-wrap">
          <table class="small">
            <thead><tr><th scope="col">Name</th><th scope="col">Received</th><th scope="col">Outcome</th><th scope="col">Decided</th></tr></thead>
            <tbody>
              <xsl:for-each select="decided">
                <tr>
                  <th scope="row"><a href="/intake/requests/{@id}"><xsl:value-of select="@name"/></a></th>
                  <td><xsl:value-of select="@received"/></td>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@state = 'good-fit' and @intake"><a href="/intake/{@intake}">good fit: intake</a></xsl:when>
                      <xsl:when test="@state = 'good-fit'">good fit</xsl:when>
                      <xsl:otherwise>not a fit</xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:value-of select="@decided"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </section>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
