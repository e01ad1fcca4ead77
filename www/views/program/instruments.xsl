<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  program/instruments.xsl - the instrument definitions (GET /instruments).

  View document (plugins/program/pages.c, program_page_instruments):
    <instruments>
      <instrument id= abbreviation= name= method= factor=? direction= best=
                  worst= max-missing= decimals= code=? code-system=?>
        <source>citation</source>
        <note>text</note>?
        <item id= label= min= max= step="1|any"/>*
      </instrument>*
    </instruments>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>

  <xsl:template match="instruments" mode="title">Instruments</xsl:template>

  <xsl:template match="instruments" mode="content">
    <div class="page-head">
      <div>
        <h1>Instruments</h1>
        <p class="muted">The outcome measures this clinic scores, each
          scored exactly as its authors specify.  They are defined in the
          clinic’s instrument file.</p>
      </div>
    </div>
    <xsl:apply-templates select="instrument"/>
  </xsl:template>

  <xsl:template match="instrument">
    <section class="panel" aria-labelledby="i-{@id}" id="{@id}">
      <h2 id="i-{@id}">
        <xsl:value-of select="@abbreviation"/>
        <xsl:if test="@name != @abbreviation">
          <span class="muted">
            <xsl:text> — </xsl:text>
            <xsl:value-of select="@name"/>
          </span>
        </xsl:if>
      </h2>
      <dl class="facts">
        <dt>Identifier</dt>
        <dd><code><xsl:value-of select="@id"/></code></dd>
        <dt>Score</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="@method = 'value'">the answer itself</xsl:when>
            <xsl:when test="@method = 'mean'">mean of the answered items</xsl:when>
            <xsl:when test="@method = 'sum-percent'">sum as a percentage of the most the answered items allow</xsl:when>
            <xsl:when test="@method = 'sum-times'">
              <xsl:text>sum × </xsl:text>
              <xsl:value-of select="@factor"/>
              <xsl:text>, prorated when an item is missing</xsl:text>
            </xsl:when>
          </xsl:choose>
          <xsl:text>, rounded to </xsl:text>
          <xsl:value-of select="@decimals"/>
          <xsl:choose>
            <xsl:when test="@decimals = '1'"> decimal</xsl:when>
            <xsl:otherwise> decimals</xsl:otherwise>
          </xsl:choose>
        </dd>
        <dt>Direction</dt>
        <dd>
          <xsl:call-template name="direction">
            <xsl:with-param name="direction" select="@direction"/>
          </xsl:call-template>
          <xsl:text> (best </xsl:text>
          <xsl:value-of select="@best"/>
          <xsl:text>, worst </xsl:text>
          <xsl:value-of select="@worst"/>
          <xsl:text>)</xsl:text>
        </dd>
        <dt>Unanswered items allowed</dt>
        <dd><xsl:value-of select="@max-missing"/></dd>
        <xsl:if test="@code">
          <dt>Code</dt>
          <dd>
            <xsl:value-of select="@code"/>
            <xsl:if test="@code-system = 'http://loinc.org'"> (LOINC)</xsl:if>
          </dd>
        </xsl:if>
      </dl>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Items of <xsl:value-of select="@abbreviation"/></caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Asks about</th>
              <th scope="col" class="num">Range</th>
              <th scope="col" class="num">Step</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="item">
              <tr>
                <th scope="row"><code><xsl:value-of select="@id"/></code></th>
                <td><xsl:value-of select="@label"/></td>
                <td class="num">
                  <xsl:value-of select="@min"/>
                  <xsl:text>–</xsl:text>
                  <xsl:value-of select="@max"/>
                </td>
                <td class="num">
                  <xsl:choose>
                    <xsl:when test="@step = 'any'">any</xsl:when>
                    <xsl:otherwise><xsl:value-of select="@step"/></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <xsl:if test="note">
        <p class="small"><xsl:value-of select="note"/></p>
      </xsl:if>
      <p class="cite">
        <xsl:text>Source: </xsl:text>
        <xsl:value-of select="source"/>
      </p>
    </section>
  </xsl:template>

</xsl:stylesheet>
