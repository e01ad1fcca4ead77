<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/desk-home.xsl - front desk's start page (GET / for front desk;
  plugins/program/desk.c, program_page_desk_home): today's visits with
  attended / missed, the discovery-call queue and the intakes waiting.
    <desk-home today=>
      <visit id= type= state= name= identifier= visits=><attendance action= from=/>?</visit>*
      <call name= received= state= call=? overdue-since=? href=/>*   overdue-since:
                                  marked by the job intake:overdue-calls
      <intake state= opened= name= href=/>*
    </desk-home>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <xsl:template match="desk-home" mode="title">Today</xsl:template>

  <xsl:template match="attendance">
    <form method="post" action="{@action}" class="inline">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="from" value="{@from}"/>
      <button type="submit" name="attended" value="yes">Attended</button>
      <xsl:text> </xsl:text>
      <button type="submit" name="attended" value="no" class="secondary">Missed</button>
    </form>
  </xsl:template>

  <xsl:template match="desk-home" mode="content">
    <div class="page-head">
      <div>
        <h1>Today</h1>
        <p class="muted">
          <xsl:value-of select="$clinic"/>
          <xsl:text> · </xsl:text>
          <xsl:value-of select="@today"/>
        </p>
      </div>
      <form class="search" method="get" action="/patients" role="search">
        <div class="field">
          <label for="home-q">Find a patient</label>
          <input type="search" id="home-q" name="q" maxlength="200"
                 autocomplete="off" placeholder="Name or identifier"/>
        </div>
        <button type="submit">Search</button>
      </form>
    </div>

    <section class="panel">
      <h2>Today’s visits</h2>
      <xsl:choose>
        <xsl:when test="visit">
          <ul class="plain">
            <xsl:for-each select="visit">
              <li>
                <a href="{@visits}"><xsl:value-of select="@name"/></a>
                <xsl:text> · </xsl:text>
                <xsl:choose>
                  <xsl:when test="@type = 'needling'">needling</xsl:when>
                  <xsl:when test="@type = 'herbal-review'">herbal review</xsl:when>
                  <xsl:otherwise><xsl:value-of select="@type"/></xsl:otherwise>
                </xsl:choose>
                <xsl:text> · </xsl:text>
                <xsl:choose>
                  <xsl:when test="@state = 'finished'">attended</xsl:when>
                  <xsl:when test="@state = 'planned'">booked</xsl:when>
                  <xsl:otherwise><xsl:value-of select="@state"/></xsl:otherwise>
                </xsl:choose>
                <xsl:text> </xsl:text>
                <xsl:apply-templates select="attendance"/>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">No visits booked for today.</p></xsl:otherwise>
      </xsl:choose>
      <p><a href="/schedule">The week’s schedule</a></p>
    </section>

    <section class="panel">
      <h2>Calls to make</h2>
      <xsl:choose>
        <xsl:when test="call">
          <ul class="plain">
            <xsl:for-each select="call">
              <li>
                <a href="{@href}"><xsl:value-of select="@name"/></a>
                <xsl:choose>
                  <xsl:when test="@state = 'scheduled'">
                    <xsl:text> · call booked for </xsl:text>
                    <xsl:call-template name="datetime"><xsl:with-param name="value" select="@call"/></xsl:call-template>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:text> · asked </xsl:text><xsl:value-of select="substring(@received, 1, 10)"/>
                    <xsl:text>, not yet answered</xsl:text>
                    <xsl:if test="@overdue-since and @state = 'new'">
                      <xsl:text> </xsl:text><span class="badge warn">overdue since <xsl:value-of select="@overdue-since"/></span>
                    </xsl:if>
                  </xsl:otherwise>
                </xsl:choose>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">No requests for a call are waiting.</p></xsl:otherwise>
      </xsl:choose>
    </section>

    <section class="panel">
      <h2>Intakes waiting</h2>
      <xsl:choose>
        <xsl:when test="intake">
          <ul class="plain">
            <xsl:for-each select="intake">
              <li>
                <a href="{@href}"><xsl:value-of select="@name"/></a>
                <xsl:choose>
                  <xsl:when test="@state = 'submitted'"> · sent by the patient, to review</xsl:when>
                  <xsl:otherwise> · in progress since <xsl:value-of select="@opened"/></xsl:otherwise>
                </xsl:choose>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">No intakes are open.</p></xsl:otherwise>
      </xsl:choose>
      <p><a href="/intake">The intake queue</a></p>
    </section>
    <xsl:apply-templates select="sections" mode="sections"/>
  </xsl:template>
</xsl:stylesheet>
