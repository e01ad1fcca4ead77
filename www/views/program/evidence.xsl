<?xml version="1.0" encoding="UTF-8"?>
<!--
  evidence.xsl - what happened to earlier patients like this one
  (plugins/program/evidence.c, docs/evidence.md), included by the
  checkpoint page (mode "beside": this checkpoint, the patient's band in a
  sentence) and by /outcomes (mode "clinic": both checkpoints).

    <evidence episodes= min-n="20" benchmark="0.5" confidence="0.95">
      <checkpoint after="introductory|first-month" when= undefined=>
        <band code= label= current="yes"? patients= no-follow-up= sentence=>
          <outcome kind="reached|held|graduated" n= k= enough="yes|no"
                   share=? low=? high=?/>
        </band>*
      </checkpoint>*
    </evidence>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="evidence" mode="beside">
    <section class="panel evidence" aria-labelledby="evidence-h">
      <h2 id="evidence-h">Earlier patients like this one</h2>
      <xsl:choose>
        <xsl:when test="checkpoint/band[@current = 'yes']">
          <p class="evidence-sentence"><xsl:value-of select="checkpoint/band[@current = 'yes']/@sentence"/></p>
        </xsl:when>
        <xsl:otherwise>
          <p class="muted">This patient has no improvement at this checkpoint to compare yet.</p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="checkpoint" mode="evidence-table"/>
      <p class="muted small">
        <xsl:text>The clinic’s own finished episodes (and imported cohorts), counted, not modelled: not a controlled comparison. Shares are shown from </xsl:text>
        <xsl:value-of select="@min-n"/>
        <xsl:text> patients up, with a 95% Wilson interval.</xsl:text>
      </p>
    </section>
  </xsl:template>

  <xsl:template match="evidence" mode="clinic">
    <h2 id="evidence">From checkpoint to outcome</h2>
    <p class="muted">
      <xsl:text>For each checkpoint and each band of improvement at it: of the earlier patients in the band (finished episodes only, </xsl:text>
      <xsl:value-of select="format-number(@episodes, '#,##0')"/>
      <xsl:text> of them), how many later reached the 50% benchmark, held at least 50% at their last follow-up, or graduated. Shares are shown from </xsl:text>
      <xsl:value-of select="@min-n"/>
      <xsl:text> patients up, with a 95% Wilson interval; the clinic’s own history, not a controlled comparison.</xsl:text>
    </p>
    <xsl:for-each select="checkpoint">
      <section class="panel">
        <h3>
          <xsl:text>Improvement </xsl:text>
          <xsl:value-of select="@when"/>
        </h3>
        <xsl:apply-templates select="." mode="evidence-table"/>
      </section>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="checkpoint" mode="evidence-table">
    <div class="table-wrap">
    <table class="evidence-table">
      <thead>
        <tr>
          <th scope="col">Improvement</th>
          <th scope="col" class="num">Patients</th>
          <th scope="col">Later reached 50%</th>
          <th scope="col">Held 50% at last follow&#8209;up</th>
          <th scope="col">Graduated</th>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="band">
          <tr>
            <xsl:if test="@current = 'yes'"><xsl:attribute name="class">current</xsl:attribute></xsl:if>
            <th scope="row">
              <xsl:value-of select="@label"/>
              <xsl:if test="@current = 'yes'"> (this patient)</xsl:if>
            </th>
            <td class="num"><xsl:value-of select="@patients"/></td>
            <td><xsl:apply-templates select="outcome[@kind = 'reached']" mode="evidence-cell"/></td>
            <td><xsl:apply-templates select="outcome[@kind = 'held']" mode="evidence-cell"/></td>
            <td><xsl:apply-templates select="outcome[@kind = 'graduated']" mode="evidence-cell"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    </div>
    <xsl:if test="band/outcome[@enough = 'no']">
      <p class="muted small">
        <xsl:text>“–”: not enough history yet (a share and its interval are shown from </xsl:text>
        <xsl:value-of select="../@min-n"/>
        <xsl:text> patients up).</xsl:text>
      </p>
    </xsl:if>
    <xsl:if test="@undefined &gt; 0">
      <p class="muted small">
        <xsl:value-of select="@undefined"/>
        <xsl:text> more had a baseline already at the best score: their improvement is undefined and they are in no band.</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="outcome" mode="evidence-cell">
    <xsl:value-of select="@k"/>
    <xsl:text> of </xsl:text>
    <xsl:value-of select="@n"/>
    <xsl:choose>
      <xsl:when test="@enough = 'yes'">
        <xsl:text> (</xsl:text>
        <xsl:value-of select="format-number(@share, '0%')"/>
        <xsl:text>, 95% CI </xsl:text>
        <xsl:value-of select="format-number(@low * 100, '0')"/>
        <xsl:text>–</xsl:text>
        <xsl:value-of select="format-number(@high, '0%')"/>
        <xsl:text>)</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text> </xsl:text>
        <span class="muted" title="not enough history yet">–</span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
