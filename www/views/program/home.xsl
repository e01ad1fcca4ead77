<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/home.xsl - the overview (GET /).

  View document (plugins/program/pages.c, program_page_home):
    <home today="2024-05-01">
      <counts patients= episodes= observations=/>
      <cohort name= patients= episodes=/>*
      <instrument id= abbreviation= name=/>*
      <sections slot="dashboard">...</sections>   other plugins' parts (section-lib.xsl)
    </home>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../section-lib.xsl"/>

  <xsl:template match="home" mode="title">Overview</xsl:template>

  <xsl:template match="home" mode="content">
    <div class="page-head">
      <div>
        <h1>Overview</h1>
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

    <dl class="stats">
      <div>
        <dt>Patients</dt>
        <dd><xsl:value-of select="format-number(counts/@patients, '#,##0')"/></dd>
      </div>
      <div>
        <dt>Episodes of care</dt>
        <dd><xsl:value-of select="format-number(counts/@episodes, '#,##0')"/></dd>
      </div>
      <div>
        <dt>Scored observations</dt>
        <dd><xsl:value-of select="format-number(counts/@observations, '#,##0')"/></dd>
      </div>
    </dl>

    <xsl:apply-templates select="sections" mode="sections"/>

    <xsl:for-each select="program">
      <h2>Care program</h2>
      <div class="table-wrap">
        <table id="by-phase">
          <caption>Episodes by phase</caption>
          <thead><tr>
            <xsl:for-each select="phase"><th scope="col" class="num"><xsl:value-of select="@name"/></th></xsl:for-each>
          </tr></thead>
          <tbody><tr>
            <xsl:for-each select="phase"><td class="num"><xsl:value-of select="@episodes"/></td></xsl:for-each>
          </tr></tbody>
        </table>
      </div>
      <div class="form-grid">
        <section class="panel">
          <h3>Checkpoints overdue</h3>
          <xsl:choose>
            <xsl:when test="checkpoint[@state = 'overdue']">
              <ul id="checkpoints-overdue">
                <xsl:for-each select="checkpoint[@state = 'overdue']">
                  <li><xsl:call-template name="who"/> · <xsl:value-of select="@phase"/> · due <xsl:value-of select="@due"/>, overdue since <xsl:value-of select="@overdue"/></li>
                </xsl:for-each>
              </ul>
            </xsl:when>
            <xsl:otherwise><p class="muted">None.</p></xsl:otherwise>
          </xsl:choose>
        </section>
        <section class="panel">
          <h3>Checkpoints due this week</h3>
          <xsl:choose>
            <xsl:when test="checkpoint[@state = 'due']">
              <ul id="checkpoints-due">
                <xsl:for-each select="checkpoint[@state = 'due']">
                  <li><xsl:call-template name="who"/> · <xsl:value-of select="@phase"/> · due <xsl:value-of select="@due"/></li>
                </xsl:for-each>
              </ul>
            </xsl:when>
            <xsl:otherwise><p class="muted">None by <xsl:value-of select="@week-end"/>.</p></xsl:otherwise>
          </xsl:choose>
        </section>
        <section class="panel">
          <h3>Open flares</h3>
          <xsl:choose>
            <xsl:when test="flare">
              <ul id="open-flares">
                <xsl:for-each select="flare">
                  <li><xsl:call-template name="who"/> · <xsl:value-of select="@severity"/> since <xsl:value-of select="@start"/>
                    <xsl:if test="@trigger != ''"> · <xsl:value-of select="@trigger"/></xsl:if></li>
                </xsl:for-each>
              </ul>
            </xsl:when>
            <xsl:otherwise><p class="muted">None.</p></xsl:otherwise>
          </xsl:choose>
        </section>
      </div>
      <p><xsl:if test="$staff-role != 'admin'"><a href="/patients/new">New patient</a> · </xsl:if><a href="/schedule">This week's schedule</a> · <xsl:if test="$staff-role != 'front-desk'"><a href="/economics">Economics</a> · </xsl:if><a href="/pricing">Public pricing page</a></p>
    </xsl:for-each>

    <h2>Cohorts</h2>
    <xsl:choose>
      <xsl:when test="cohort">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col" class="num">Patients</th>
                <th scope="col" class="num">Episodes</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="cohort">
                <tr>
                  <th scope="row"><xsl:value-of select="@name"/></th>
                  <td class="num"><xsl:value-of select="@patients"/></td>
                  <td class="num"><xsl:value-of select="@episodes"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
        <xsl:if test="$staff-role != 'front-desk'">
          <p><a href="/outcomes">See outcomes by cohort and timepoint</a></p>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <p class="muted">No episodes of care yet. Import a spreadsheet with
          <code>cairn import-csv</code> or record patients as they enrol.</p>
      </xsl:otherwise>
    </xsl:choose>

    <h2>Instruments in use</h2>
    <ul>
      <xsl:for-each select="instrument">
        <li>
          <strong><xsl:value-of select="@abbreviation"/></strong>
          <xsl:if test="@name != @abbreviation">
            <xsl:text> — </xsl:text>
            <xsl:value-of select="@name"/>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ul>
    <p><a href="/instruments">How each instrument is scored</a></p>
  </xsl:template>

  <!-- A patient's name, linked to @href (a chart or checkpoint, open to
       clinicians and admins) except for front desk, who would get a 403. -->
  <xsl:template name="who">
    <xsl:choose>
      <xsl:when test="$staff-role = 'front-desk'"><xsl:value-of select="@name"/></xsl:when>
      <xsl:otherwise><a href="{@href}"><xsl:value-of select="@name"/></a></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
