<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/pricing.xsl - the public pricing page (GET /pricing;
  plugins/program/pricing.c), from the current program definition:
    <pricing><definition version= effective= currency= name=>
      <phase id= name= days= weeks= sessions= per-week-min= per-week-max=
             fee= fee-per-planned-session=?><description/><if-longer/>?</phase>*3
      <checkpoint after= threshold= .../>*2 <taper/> <graduation/>
    </definition></pricing>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="program-lib.xsl"/>
  <xsl:include href="../section-lib.xsl"/>
  <xsl:template match="pricing" mode="title">Pricing</xsl:template>
  <xsl:template match="pricing" mode="content">
    <xsl:variable name="d" select="definition"/>
    <div class="page-head">
      <div>
        <h1><xsl:value-of select="$d/@name"/>: pricing</h1>
        <p class="lead">You pay one flat fee per phase, never per visit. Each phase ends at a decision point, and the program is designed to end.</p>
        <p class="actions no-print">
          <a class="button" href="/request-a-call">Request a free 15-minute call</a>
        </p>
      </div>
    </div>
    <div class="price-grid">
      <xsl:for-each select="$d/phase">
        <section class="panel price">
          <h2><xsl:value-of select="@name"/></h2>
          <p class="fee">
            <xsl:value-of select="$d/@currency"/>
            <xsl:text> </xsl:text>
            <xsl:value-of select="format-number(@fee, '#,##0.00')"/>
          </p>
          <p class="muted small">One fee for the whole phase, not per month.</p>
          <p><xsl:value-of select="description"/></p>
          <dl class="facts">
            <dt>Typical length</dt>
            <dd>
              <xsl:choose>
                <xsl:when test="number(@days) &gt;= 28">about <xsl:value-of select="format-number(@days div 30.4, '0.#')"/> months</xsl:when>
                <xsl:otherwise><xsl:value-of select="@weeks"/> weeks</xsl:otherwise>
              </xsl:choose>
            </dd>
            <dt>Needling sessions planned</dt>
            <dd><xsl:value-of select="@sessions"/></dd>
            <dt>Visits a week</dt>
            <dd>
              <xsl:value-of select="@per-week-min"/>
              <xsl:if test="@per-week-max != @per-week-min">–<xsl:value-of select="@per-week-max"/></xsl:if>
            </dd>
          </dl>
          <xsl:if test="if-longer">
            <p class="small"><strong>If care runs longer: </strong><xsl:value-of select="if-longer"/></p>
          </xsl:if>
        </section>
      </xsl:for-each>
    </div>
    <h2>How decisions are made</h2>
    <ul>
      <li>After the introductory phase we look together at your measures: if there is no meaningful response, we stop and point you to care that may suit you better. You pay only for the phase you had.</li>
      <li>After the first month the benchmark is an improvement of at least
        <xsl:call-template name="pct"><xsl:with-param name="v" select="$d/checkpoint[@after = 'first-month']/@threshold"/></xsl:call-template>
        in your day-to-day measure. Care goes on into the monthly program without it only with a written clinical reason.</li>
      <li>In the monthly program visits taper from <xsl:value-of select="$d/taper/@start"/> to <xsl:value-of select="$d/taper/@floor"/> a week as you hold your gains, gradually: at least <xsl:value-of select="$d/taper/@min-weeks-at-step"/> weeks at each step; flares are expected and answered, at no extra charge.</li>
      <li>You graduate with a home routine of your own.</li>
    </ul>
    <!-- After the program: what other plugins add (the maintenance
         plans, slot "pricing"); without them, a pointer. -->
    <xsl:apply-templates select="sections" mode="sections"/>
    <xsl:if test="not(sections/section[not(@empty = '1')])">
      <section class="panel" id="after-the-program">
        <h2>After the program</h2>
        <p>Keep up your home routine; the clinic is there when you need it.</p>
      </section>
    </xsl:if>
    <p class="no-print"><a href="/request-a-call">Request a free 15-minute call</a> to ask whether the program suits you.</p>
    <p class="small muted">Terms of program definition version <xsl:value-of select="$d/@version"/>, effective <xsl:value-of select="$d/@effective"/>. An enrolled patient keeps the terms they started under.</p>
  </xsl:template>
</xsl:stylesheet>
