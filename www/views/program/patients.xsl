<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/patients.xsl - the patient list (GET /patients?q=&page=).

  View document (plugins/program/pages.c, program_page_patients):
    <patients q= page= pages= total= per-page= first=? last=?>
      <link rel="prev|next" href=/>*
      <patient id= identifier= name= gender= birth-date= cohort=
               observations= href= visits=? enrol=?/>*
      visits: the newest program episode's visits page (front desk's link);
      enrol: the patient has no program episode yet (clinicians' link)
    </patients>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>

  <xsl:template match="patients" mode="title">
    <xsl:text>Patients</xsl:text>
    <xsl:if test="@q != ''">
      <xsl:text>: “</xsl:text>
      <xsl:value-of select="@q"/>
      <xsl:text>”</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="patients" mode="content">
    <div class="page-head">
      <div>
        <h1>Patients</h1>
        <p class="muted">
          <xsl:choose>
            <xsl:when test="@q != ''">
              <xsl:value-of select="@total"/>
              <xsl:text> matching “</xsl:text>
              <xsl:value-of select="@q"/>
              <xsl:text>”</xsl:text>
            </xsl:when>
            <xsl:otherwise>
              <xsl:value-of select="@total"/>
              <xsl:text> in all</xsl:text>
            </xsl:otherwise>
          </xsl:choose>
        </p>
      </div>
    </div>

    <form class="search" method="get" action="/patients" role="search">
      <div class="field">
        <label for="q">Search by name or identifier</label>
        <input type="search" id="q" name="q" value="{@q}" maxlength="200"
               autocomplete="off"/>
      </div>
      <button type="submit">Search</button>
      <xsl:if test="@q != ''">
        <a class="button secondary" href="/patients">Show all</a>
      </xsl:if>
    </form>

    <div class="table-wrap">
      <table>
        <caption class="muted small">
          <xsl:choose>
            <xsl:when test="patient">
              <xsl:text>Patients </xsl:text>
              <xsl:value-of select="@first"/>
              <xsl:text>–</xsl:text>
              <xsl:value-of select="@last"/>
              <xsl:text> of </xsl:text>
              <xsl:value-of select="@total"/>
              <xsl:text>, by name</xsl:text>
            </xsl:when>
            <xsl:otherwise>Patients</xsl:otherwise>
          </xsl:choose>
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Identifier</th>
            <th scope="col">Gender</th>
            <th scope="col">Born</th>
            <th scope="col">Cohort</th>
            <th scope="col" class="num">Observations</th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="patient">
            <tr>
              <th scope="row">
                <xsl:choose>
                  <!-- The chart is for clinicians and admins; front desk
                       would only get a 403: their link is the visits
                       page, else the name is plain text. -->
                  <xsl:when test="$staff-role = 'front-desk' and @visits">
                    <a href="{@visits}"><xsl:value-of select="@name"/></a>
                  </xsl:when>
                  <xsl:when test="$staff-role = 'front-desk'">
                    <xsl:value-of select="@name"/>
                  </xsl:when>
                  <xsl:otherwise>
                    <a href="{@href}"><xsl:value-of select="@name"/></a>
                  </xsl:otherwise>
                </xsl:choose>
              </th>
              <td><xsl:value-of select="@identifier"/></td>
              <td><xsl:value-of select="@gender"/></td>
              <td><xsl:value-of select="@birth-date"/></td>
              <td>
                <xsl:value-of select="@cohort"/>
                <xsl:if test="@enrol and $staff-role = 'clinician'">
                  <xsl:if test="@cohort"><xsl:text> · </xsl:text></xsl:if>
                  <a href="{@enrol}">Enrol</a>
                </xsl:if>
              </td>
              <td class="num"><xsl:value-of select="@observations"/></td>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(patient)">
            <tr>
              <td class="empty" colspan="6">
                <xsl:choose>
                  <xsl:when test="@q != ''">No patient’s name or identifier contains “<xsl:value-of select="@q"/>”.</xsl:when>
                  <xsl:when test="number(@page) &gt; number(@pages)">This page is past the end of the list.</xsl:when>
                  <xsl:otherwise>No patients yet.</xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:if>
        </tbody>
      </table>
    </div>

    <nav class="pages" aria-label="Pages">
      <span class="muted small">
        <xsl:text>Page </xsl:text>
        <xsl:value-of select="@page"/>
        <xsl:text> of </xsl:text>
        <xsl:value-of select="@pages"/>
      </span>
      <span class="links">
        <xsl:for-each select="link[@rel = 'prev']">
          <a class="button secondary" rel="prev" href="{@href}">Previous page</a>
        </xsl:for-each>
        <xsl:for-each select="link[@rel = 'next']">
          <a class="button secondary" rel="next" href="{@href}">Next page</a>
        </xsl:for-each>
      </span>
    </nav>
  </xsl:template>

</xsl:stylesheet>
