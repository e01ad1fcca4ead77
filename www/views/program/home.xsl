<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/home.xsl - the overview (GET /).

  View document (plugins/program/pages.c, program_page_home):
    <home today="2024-05-01">
      <counts patients= episodes= observations=/>
      <cohort name= patients= episodes=/>*
      <instrument id= abbreviation= name=/>*
    </home>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>

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
        <p><a href="/outcomes">See outcomes by cohort and timepoint</a></p>
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

</xsl:stylesheet>
