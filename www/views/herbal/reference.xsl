<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/reference.xsl - the herbal reference (GET /herbs): monographs,
  formulas, incompatible pairs, interactions and medicines, searchable,
  each fact with its source.

  View document (plugins/herbal/reference.c):
    <herbal-reference q= review="verified|unverified" herbs= formulas=
                      pairs= interactions=>
      <herb id= pinyin= chinese= latin= aristolochic="yes"?>
        <names src= at=?/> <alias>*</alias>
        <dose min=? max=? src= at=?/> <pregnancy category= src= at=?/>
        <toxicity src= at=?><text/></toxicity>
        <notice src= at=?><text/></notice>*
      </herb>*
      <formula id= pinyin= chinese= english=?>
        <origin src= at=?><text/></origin>
        <composition src= at=?><item herb= pinyin= chinese= grams=? original=?/>*</composition>
        <note src=><text/></note>?
      </formula>*
      <pair id= list= src= at=?><side name= src= at=?><herb-ref .../>*</side>x2</pair>*
      <interaction id= grade= action=><herb-ref/>* <drug/>* <class/>* <effect/> <evidence src= at=?/>*</interaction>*
      <drug id= generic= src= at=?><class/>* <brand src=><text/></brand>*</drug>*
      <source id=><text/></source>*
    </herbal-reference>
  A source is shown as its id, linked to the list of works at the end.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="herbal-reference" mode="title">Herbs</xsl:template>

  <!-- A fact's source: "not found", or the work's id linked to its citation. -->
  <xsl:template name="src">
    <xsl:param name="f" select="."/>
    <xsl:choose>
      <xsl:when test="$f/@src = 'not found'"><span class="muted">source: not found</span></xsl:when>
      <xsl:otherwise>
        <span class="source">source: <a href="#src-{$f/@src}"><xsl:value-of select="$f/@src"/></a>
          <xsl:if test="$f/@at"><xsl:text>, </xsl:text><xsl:value-of select="$f/@at"/></xsl:if>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="herb-name">
    <xsl:value-of select="@pinyin"/><xsl:text> (</xsl:text><xsl:value-of select="@chinese"/><xsl:text>)</xsl:text>
  </xsl:template>

  <xsl:template match="herbal-reference" mode="content">
    <div class="page-head">
      <div>
        <h1>Herbs</h1>
        <p class="muted">
          <xsl:value-of select="@herbs"/> herbs, <xsl:value-of select="@formulas"/> formulas,
          <xsl:value-of select="@pairs"/> incompatible pairs, <xsl:value-of select="@interactions"/> interactions.
          Every fact names its source, or says it was not found.
        </p>
      </div>
    </div>
    <xsl:if test="@review = 'unverified'">
      <p class="flag-note" role="status">This reference data has not yet been checked against its printed
        sources. Verify a fact in its source before relying on it.</p>
    </xsl:if>
    <form method="get" action="/herbs" class="search" role="search">
      <label for="herbs-q">Find a herb (pinyin, characters or Latin)</label>
      <input id="herbs-q" name="q" type="search" value="{@q}" maxlength="100"/>
      <button type="submit">Search</button>
    </form>

    <section class="panel" aria-labelledby="h-herbs">
      <h2 id="h-herbs">Monographs</h2>
      <xsl:if test="not(herb)"><p>No herb matches.</p></xsl:if>
      <xsl:for-each select="herb">
        <article class="monograph" id="herb-{@id}">
          <h3><xsl:call-template name="herb-name"/>
            <xsl:text> </xsl:text><i><xsl:value-of select="@latin"/></i>
            <xsl:if test="@aristolochic = 'yes'"> <strong class="flag">Refused: aristolochic acid</strong></xsl:if>
          </h3>
          <p class="small"><xsl:call-template name="src"><xsl:with-param name="f" select="names"/></xsl:call-template>
            <xsl:if test="alias"> · also: <xsl:for-each select="alias"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each></xsl:if>
          </p>
          <dl>
            <dt>Usual daily dose (decoction)</dt>
            <dd><xsl:choose>
                <xsl:when test="dose/@min"><xsl:value-of select="dose/@min"/>–<xsl:value-of select="dose/@max"/> g</xsl:when>
                <xsl:otherwise>not found</xsl:otherwise>
              </xsl:choose>
              <xsl:text> </xsl:text><xsl:call-template name="src"><xsl:with-param name="f" select="dose"/></xsl:call-template></dd>
            <dt>Pregnancy</dt>
            <dd><xsl:choose>
                <xsl:when test="pregnancy/@category = 'prohibited'">prohibited</xsl:when>
                <xsl:when test="pregnancy/@category = 'caution'">use with caution</xsl:when>
                <xsl:when test="pregnancy/@category = 'no-statement'">no statement in the source</xsl:when>
                <xsl:otherwise>unknown</xsl:otherwise>
              </xsl:choose>
              <xsl:text> </xsl:text><xsl:call-template name="src"><xsl:with-param name="f" select="pregnancy"/></xsl:call-template></dd>
            <dt>Toxicity</dt>
            <dd><xsl:choose>
                <xsl:when test="toxicity/text != ''"><xsl:value-of select="toxicity/text"/></xsl:when>
                <xsl:otherwise>not found</xsl:otherwise>
              </xsl:choose>
              <xsl:text> </xsl:text><xsl:call-template name="src"><xsl:with-param name="f" select="toxicity"/></xsl:call-template></dd>
            <xsl:for-each select="notice">
              <dt>Regulator's notice</dt>
              <dd><xsl:value-of select="text"/><xsl:text> </xsl:text><xsl:call-template name="src"/></dd>
            </xsl:for-each>
          </dl>
        </article>
      </xsl:for-each>
    </section>

    <xsl:if test="formula">
      <section class="panel" aria-labelledby="h-formulas">
        <h2 id="h-formulas">Formulas</h2>
        <xsl:for-each select="formula">
          <article id="formula-{@id}">
            <h3><xsl:value-of select="@pinyin"/> (<xsl:value-of select="@chinese"/>)
              <xsl:if test="@english"><span class="muted"> · <xsl:value-of select="@english"/></span></xsl:if></h3>
            <p class="small">From <xsl:value-of select="origin/text"/>; <xsl:call-template name="src"><xsl:with-param name="f" select="origin"/></xsl:call-template>.
              Herbs and grams: <xsl:call-template name="src"><xsl:with-param name="f" select="composition"/></xsl:call-template>.</p>
            <table>
              <thead><tr><th scope="col">Herb</th><th scope="col">Typical g a day</th><th scope="col">Classical amount</th></tr></thead>
              <tbody>
                <xsl:for-each select="composition/item">
                  <tr><td><a href="#herb-{@herb}"><xsl:call-template name="herb-name"/></a></td>
                    <td><xsl:value-of select="@grams"/><xsl:if test="not(@grams)">—</xsl:if></td>
                    <td><xsl:value-of select="@original"/></td></tr>
                </xsl:for-each>
              </tbody>
            </table>
            <xsl:if test="note"><p class="small"><xsl:value-of select="note/text"/></p></xsl:if>
          </article>
        </xsl:for-each>
      </section>
    </xsl:if>

    <xsl:if test="pair">
      <section class="panel" aria-labelledby="h-pairs">
        <h2 id="h-pairs">Incompatible pairs</h2>
        <table>
          <thead><tr><th scope="col">List</th><th scope="col">One side</th><th scope="col">The other</th></tr></thead>
          <tbody>
            <xsl:for-each select="pair">
              <tr id="pair-{@id}">
                <td><xsl:choose>
                    <xsl:when test="@list = 'eighteen-incompatibilities'">eighteen incompatibilities</xsl:when>
                    <xsl:when test="@list = 'nineteen-antagonisms'">nineteen antagonisms</xsl:when>
                    <xsl:otherwise>clinic's own</xsl:otherwise>
                  </xsl:choose><br/><xsl:call-template name="src"/></td>
                <xsl:for-each select="side">
                  <td><strong><xsl:value-of select="@name"/></strong>:
                    <xsl:for-each select="herb-ref"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:call-template name="herb-name"/></xsl:for-each>
                    <br/><xsl:call-template name="src"/></td>
                </xsl:for-each>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </section>
    </xsl:if>

    <xsl:if test="interaction">
      <section class="panel" aria-labelledby="h-interactions">
        <h2 id="h-interactions">Herb-drug interactions</h2>
        <table>
          <thead><tr><th scope="col">Herb</th><th scope="col">Medicines</th><th scope="col">Effect</th><th scope="col">Evidence</th><th scope="col">Action</th></tr></thead>
          <tbody>
            <xsl:for-each select="interaction">
              <tr id="interaction-{@id}">
                <td><xsl:for-each select="herb-ref"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:call-template name="herb-name"/></xsl:for-each></td>
                <td><xsl:for-each select="drug | class"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each></td>
                <td><xsl:value-of select="effect"/></td>
                <td><xsl:value-of select="translate(@grade, '-', ' ')"/>:
                  <xsl:for-each select="evidence"><xsl:if test="position() &gt; 1">; </xsl:if><a href="#src-{@src}"><xsl:value-of select="@src"/></a></xsl:for-each></td>
                <td><xsl:choose><xsl:when test="@action = 'block'">blocks (written override)</xsl:when><xsl:otherwise>warns</xsl:otherwise></xsl:choose></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </section>
    </xsl:if>

    <xsl:if test="drug">
      <section class="panel" aria-labelledby="h-drugs">
        <h2 id="h-drugs">Medicines recognised</h2>
        <ul>
          <xsl:for-each select="drug">
            <li><xsl:value-of select="@generic"/>
              <xsl:if test="brand"> (<xsl:for-each select="brand"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="text"/></xsl:for-each>)</xsl:if>:
              <xsl:for-each select="class"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
              <xsl:text> </xsl:text><xsl:call-template name="src"/></li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>

    <section class="panel" aria-labelledby="h-sources">
      <h2 id="h-sources">Sources</h2>
      <dl>
        <xsl:for-each select="source">
          <dt id="src-{@id}"><xsl:value-of select="@id"/></dt>
          <dd><xsl:value-of select="text"/></dd>
        </xsl:for-each>
      </dl>
    </section>
  </xsl:template>
</xsl:stylesheet>
