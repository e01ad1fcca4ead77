<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/partners.xsl - the directory of trusted partners (GET /partners).

  View document (plugins/referral/partner.c):
    <partners role= q= discipline= tag=>
      <partner id= name= organisation= discipline= email= tags=" a b " active="true|false"/>*
    </partners>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="partners" mode="title">Partners</xsl:template>

  <xsl:template match="partners" mode="content">
    <div class="page-head">
      <div>
        <h1>Trusted partners</h1>
        <p class="muted">Who we refer patients to, and what we trust them for.
          <xsl:if test="@role = 'clinician' or @role = 'admin'"><a href="/referrals">Open referrals</a></xsl:if></p>
      </div>
      <xsl:if test="@role = 'clinician' or @role = 'admin'">
        <p class="actions"><a class="button" href="/partners/new">Add a partner</a></p>
      </xsl:if>
    </div>
    <form class="search" method="get" action="/partners">
      <p class="field">
        <label for="q">Name or practice</label>
        <input type="search" id="q" name="q" value="{@q}"/>
      </p>
      <p class="field">
        <label for="discipline">Discipline</label>
        <select id="discipline" name="discipline">
          <option value="">Any</option>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'physical-therapist'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'movement-specialist'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'massage-therapist'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'personal-trainer'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'physician'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'psychologist'"/></xsl:call-template>
          <xsl:call-template name="discipline-option"><xsl:with-param name="v" select="'other'"/></xsl:call-template>
        </select>
      </p>
      <p class="field">
        <label for="tag">Trusted for (tag)</label>
        <input type="text" id="tag" name="tag" value="{@tag}"/>
      </p>
      <p class="actions"><button type="submit">Search</button></p>
    </form>
    <xsl:choose>
      <xsl:when test="partner">
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Discipline</th>
              <th scope="col">Trusted for</th><th scope="col">Email</th><th scope="col">Active</th></tr></thead>
            <tbody>
              <xsl:for-each select="partner">
                <tr>
                  <th scope="row">
                    <a href="/partners/{@id}"><xsl:value-of select="@name"/></a>
                    <xsl:if test="@organisation != ''"><br/><span class="muted"><xsl:value-of select="@organisation"/></span></xsl:if>
                  </th>
                  <td><xsl:call-template name="discipline-label"><xsl:with-param name="discipline" select="@discipline"/></xsl:call-template></td>
                  <td><xsl:value-of select="normalize-space(@tags)"/></td>
                  <td><xsl:value-of select="@email"/></td>
                  <td><xsl:choose><xsl:when test="@active = 'true'">yes</xsl:when><xsl:otherwise>no</xsl:otherwise></xsl:choose></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">No partner matches.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="discipline-option">
    <xsl:param name="v"/>
    <option value="{$v}">
      <xsl:if test="/partners/@discipline = $v"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:call-template name="discipline-label"><xsl:with-param name="discipline" select="$v"/></xsl:call-template>
    </option>
  </xsl:template>
</xsl:stylesheet>
